import { recordAudit } from '#modules/audit/index.ts';
import { findPlacesByIds, getPlaceByCode, type Place } from '#modules/places/index.ts';
import { requireRole } from '#platform/auth/actor.ts';
import type { Ctx } from '#platform/context.ts';
import type { Db } from '#platform/db/client.ts';
import { Invalid, NotFound } from '#platform/errors.ts';
import { parse } from '#platform/validation.ts';
import * as q from './fieldkit.queries.ts';
import { Checklist, type ChecklistItem, type ChecklistOut, DEFAULT_CHECKLIST } from './fieldkit.schemas.ts';

/** The province a place lies in, read off its path. */
export async function provinceOf(db: Db, place: { path: string }): Promise<Place> {
  const ids = place.path.split('/').filter(Boolean).map(Number);
  const province = (await findPlacesByIds(db, ids)).find((p) => p.level === 'province');
  if (!province)
    throw new NotFound({ vi: 'Không tìm thấy tỉnh của địa bàn.', en: 'The place has no province.' });
  return province;
}

/** The province's checklist now; the default one is written for a province that has none yet. */
export async function checklistFor(db: Db, provinceId: number) {
  const row = await q.currentChecklist(db, provinceId);
  if (row) return row;
  return db.transaction(async (tx) => {
    // Two first visits at once: the second waits on the province's row and finds the first's.
    await q.lockChecklists(tx, provinceId);
    return (
      (await q.currentChecklist(tx, provinceId)) ?? q.insertChecklist(tx, provinceId, DEFAULT_CHECKLIST, null)
    );
  });
}

export async function checklistForPlace(db: Db, place: { path: string }) {
  return checklistFor(db, (await provinceOf(db, place)).id);
}

export function toChecklistOut(row: q.ChecklistRow): ChecklistOut {
  return { id: row.id, items: row.items };
}

/** A checklist a visit names: it must exist and belong to the visited hamlet's province. */
export async function checklistOfVisit(db: Db, id: number, hamlet: { path: string }) {
  const row = await q.findChecklist(db, id);
  const province = row ? (await findPlacesByIds(db, [row.provinceId]))[0] : undefined;
  if (!row || !province || !hamlet.path.startsWith(province.path)) {
    throw new Invalid([
      {
        field: 'checklistId',
        vi: 'Bảng kiểm không thuộc tỉnh của thôn này.',
        en: 'The checklist is not this hamlet’s province’s.',
      },
    ]);
  }
  return row;
}

/** An admin of the province writes a new version of its checklist; earlier visits keep theirs. */
export async function saveChecklist(ctx: Ctx, provinceCode: string, items: ChecklistItem[]) {
  const province = await getPlaceByCode(ctx.db, provinceCode);
  const admin = requireRole(ctx.actor, 'admin', province.path);
  if (province.level !== 'province') {
    throw new Invalid([{ field: 'province', vi: 'Chọn một tỉnh.', en: 'Choose a province.' }]);
  }
  const nfc = <L extends { vi: string; en?: string | undefined }>(l: L): L => ({
    ...l,
    vi: l.vi.normalize('NFC'),
    ...(l.en ? { en: l.en.normalize('NFC') } : {}),
  });
  const checked = parse(Checklist, items).map((i) => ({
    ...i,
    label: nfc(i.label),
    ...(i.options ? { options: i.options.map((o) => ({ ...o, label: nfc(o.label) })) } : {}),
  }));
  return ctx.db.transaction(async (tx) => {
    const row = await q.insertChecklist(tx, province.id, checked, admin.userId);
    await recordAudit(tx, ctx.actor, ctx.meta, {
      action: 'fieldkit.checklist.save',
      targetType: 'checklist',
      targetId: row.id,
      place: province,
      details: { items: checked.map((i) => i.id) },
    });
    return row;
  });
}
