/**
 * What the member sees: the server's last copy of a household with their own unsent changes laid
 * over it, in the order they were made. Nothing here is written back: the outbox stays the truth
 * of what waits, the server's copy the truth of what was confirmed.
 */
import type { HouseholdOut } from '../fieldkit.schemas.ts';
import type { HouseholdView } from '../views/kit-views.tsx';
import type { OutboxEntry } from './store.ts';

type Fields = Partial<
  Pick<HouseholdOut, 'headName' | 'members' | 'phones' | 'address' | 'lat' | 'lng' | 'consent'>
>;

function fieldsOf(v: Record<string, unknown>): Fields {
  const out: Fields = {};
  if ('headName' in v) out.headName = (v.headName as string | null) ?? null;
  if ('members' in v) out.members = Number(v.members);
  if ('phones' in v) out.phones = (v.phones as string[] | null) ?? [];
  if ('address' in v) out.address = String(v.address ?? '');
  if ('lat' in v) out.lat = (v.lat as number | null) ?? null;
  if ('lng' in v) out.lng = (v.lng as number | null) ?? null;
  if ('consent' in v) out.consent = Boolean(v.consent);
  return out;
}

export function overlay(
  server: HouseholdOut | undefined,
  entries: OutboxEntry[],
  me: string,
): HouseholdView | undefined {
  let h: HouseholdView | undefined = server;
  for (const e of entries) {
    const d = e.command.data;
    switch (e.command.type) {
      case 'household.create':
        h = {
          id: String(d.id),
          hamletId: Number(d.hamletId),
          version: 0,
          updateId: 0,
          deleted: false,
          headName: null,
          members: 1,
          phones: [],
          address: '',
          lat: null,
          lng: null,
          consent: false,
          needsReview: false,
          visitCount: 0,
          lastVisit: null,
          ...fieldsOf(d.fields as Record<string, unknown>),
          pending: true,
        };
        break;
      case 'household.update':
        if (h) h = { ...h, ...fieldsOf(d.changes as Record<string, unknown>), pending: true };
        break;
      case 'household.delete':
        if (h) h = { ...h, deleted: true, pending: true };
        break;
      case 'visit.record': {
        if (!h) break;
        const a = d.answers as Record<string, unknown>;
        const meta = d.meta as { endedAt: string };
        const bool = (x: unknown) => (typeof x === 'boolean' ? x : null);
        h = {
          ...h,
          visitCount: h.visitCount + 1,
          lastVisit: {
            id: String(d.id),
            at: meta.endedAt,
            memberName: me,
            smartphone: bool(a.smartphone),
            vneidAdults: typeof a.vneid_adults === 'number' ? a.vneid_adults : null,
            cashless: bool(a.cashless),
            publicServiceAccount: bool(a.public_service_account),
          },
          pending: true,
        };
        break;
      }
    }
  }
  return h;
}

/** Lower case without diacritics: "Hoàng Văn Páo" and "hoang van pao" match. */
export function searchKey(s: string) {
  return s
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[đĐ]/g, 'd')
    .toLowerCase();
}
