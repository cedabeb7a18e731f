/**
 * The checks a form gets on the phone before its change is queued, so a member learns of a typo at
 * the door rather than days later. The server checks again (fieldkit.schemas.ts) and stays the
 * authority: a change it refuses is shown in the kit's refused list with its reasons.
 */
import type { Errors } from '#web/form.tsx';
import type { ChecklistItem } from '../fieldkit.schemas.ts';
import type { T } from './i18n.ts';

const PHONE = /^0[35789]\d{8}$/;
const normPhone = (p: string) => p.replace(/[\s.-]/g, '').replace(/^(\+?84)/, '0');

export function checkHousehold(v: Record<string, unknown>, t: T): Errors {
  const e: Errors = {};
  const name = typeof v.headName === 'string' ? v.headName.trim() : '';
  const members = typeof v.members === 'number' ? v.members : Number.NaN;
  const phones = Array.isArray(v.phones) ? (v.phones as string[]) : [];
  const address = typeof v.address === 'string' ? v.address.trim() : '';
  if (!Number.isInteger(members) || members < 1 || members > 50) e.members = t('fieldkit:check.members');
  if (address.length < 2) e.address = t('fieldkit:check.required');
  if (phones.length > 3) e.phones = t('fieldkit:check.phones');
  else if (phones.some((p) => !PHONE.test(normPhone(p)))) e.phones = t('fieldkit:check.phone');
  if ((v.lat === null) !== (v.lng === null)) e[v.lat === null ? 'lat' : 'lng'] = t('fieldkit:check.both');
  if (v.consent) {
    if (name.length < 2) e.headName = t('fieldkit:check.headName');
  } else {
    if (name) e.headName = t('fieldkit:check.consent');
    if (phones.length) e.phones = t('fieldkit:check.consent');
    if (v.lat !== null && v.lat !== undefined) e.lat = t('fieldkit:check.consent');
  }
  return e;
}

export function checkVisit(
  answers: Record<string, unknown>,
  items: readonly ChecklistItem[],
  members: number,
  t: T,
) {
  const e: Errors = {};
  for (const item of items) {
    const v = answers[item.id];
    const field = `answers.${item.id}`;
    if (item.type === 'yesno' && typeof v !== 'boolean') e[field] = t('fieldkit:check.yesno');
    if (item.type === 'count' && (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > members)) {
      e[field] = t('fieldkit:check.count', { max: members });
    }
  }
  return e;
}
