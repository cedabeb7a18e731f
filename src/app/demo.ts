import { seedDemoClusters } from '#modules/broadcast/index.ts';
import { ensureDefaultCategories } from '#modules/feedback/index.ts';
import { ensureUser } from '#modules/identity/index.ts';
import { ensureStarterModel } from '#modules/indicators/index.ts';
import { addVillageUnchecked, getPlaceByCode, importPlaces } from '#modules/places/index.ts';
import { ensureCatalogue } from '#modules/procedures/index.ts';
import type { Role } from '#platform/auth/actor.ts';
import type { Database } from '#platform/db/client.ts';

/** Xã Mẫu Sơn, Lạng Sơn: a mountain commune on the Chinese border, mostly Dao and Nùng people. */
export const DEMO_COMMUNE = '06541';
export const DEMO_PASSWORD = 'xaso-demo-2026';

const VILLAGES: { type: string; name: string }[] = [
  { type: 'thôn', name: 'Khuổi Tào' },
  { type: 'thôn', name: 'Pò Đứa' },
  { type: 'bản', name: 'Nà Pàn' },
  { type: 'bản', name: 'Khòn Quang' },
];

const STAFF: { username: string; displayName: string; role: Role }[] = [
  { username: 'quantri', displayName: 'Hoàng Văn Quản', role: 'admin' },
  { username: 'motcua', displayName: 'Lường Thị Tiếp', role: 'receptionist' },
  { username: 'chuyenvien', displayName: 'Nông Văn Xử', role: 'specialist' },
  { username: 'lanhdao', displayName: 'Vi Văn Duyệt', role: 'approver' },
  { username: 'phatthanh', displayName: 'Triệu Thị Loa', role: 'radio_operator' },
  { username: 'phananh', displayName: 'Lý Văn Đáp', role: 'feedback_handler' },
];

// Fieldkit (issue 16): the community digital team of Thôn Khuổi Tào, its leader and a member.
const FIELD_TEAM: { username: string; displayName: string; role: Role }[] = [
  { username: 'totruong', displayName: 'Hoàng Thị Tổ', role: 'community_digital_leader' },
  { username: 'thanhvien', displayName: 'Lý Văn Thăm', role: 'community_digital_member' },
];

export interface DemoResult {
  placesImported: boolean;
  staff: { username: string; password: string; role: Role; created: boolean }[];
}

/**
 * First start: import the administrative units, then seed one demo commune with villages and one
 * account per role. Later starts find everything present and change nothing.
 */
const DEMO_LOCK = 872_341_003;

export async function ensureDemo(database: Database, opts: { seedDemo: boolean }): Promise<DemoResult> {
  // Instances starting together take turns, so the second finds the first one's work.
  return database.withLock(DEMO_LOCK, () => seed(database, opts));
}

async function seed(database: Database, opts: { seedDemo: boolean }): Promise<DemoResult> {
  const [{ n } = { n: 0 }] = await database.query<{ n: number }>(
    "select count(*)::int as n from places where level = 'province'",
  );
  const placesImported = n === 0;
  if (placesImported) await importPlaces(database);
  await ensureCatalogue(database.db);
  await ensureDefaultCategories(database.db);
  await ensureStarterModel(database.db);
  if (!opts.seedDemo) return { placesImported, staff: [] };
  const commune = await getPlaceByCode(database.db, DEMO_COMMUNE);
  const villages = [];
  for (const v of VILLAGES) villages.push(await addVillageUnchecked(database.db, commune, v));
  await seedDemoClusters(database, commune);
  const staff = [];
  for (const s of STAFF) {
    const r = await ensureUser(database.db, { ...s, password: DEMO_PASSWORD, place: commune });
    staff.push({ username: s.username, password: DEMO_PASSWORD, role: s.role, created: r.created });
  }
  const [hamlet] = villages;
  if (hamlet) {
    for (const s of FIELD_TEAM) {
      const r = await ensureUser(database.db, { ...s, password: DEMO_PASSWORD, place: hamlet });
      staff.push({ username: s.username, password: DEMO_PASSWORD, role: s.role, created: r.created });
    }
  }
  return { placesImported, staff };
}
