import { seedDemoClusters } from '#modules/broadcast/index.ts';
import { disableDemoSigner } from '#modules/documents/index.ts';
import { ensureDefaultCategories } from '#modules/feedback/index.ts';
import {
  type DemoAccounts,
  disableDemoAccounts,
  ensureUser,
  findActiveDemoAccounts,
} from '#modules/identity/index.ts';
import { ensureStarterModel } from '#modules/indicators/index.ts';
import { addVillageUnchecked, getPlaceByCode, importPlaces } from '#modules/places/index.ts';
import { ensureCatalogue } from '#modules/procedures/index.ts';
import type { Role } from '#platform/auth/actor.ts';
import type { Database } from '#platform/db/client.ts';
import type { Platform } from '#platform/platform.ts';

/** Xã Mẫu Sơn, Lạng Sơn: a mountain commune on the Chinese border, mostly Dao and Nùng people. */
export const DEMO_COMMUNE = '06541';
/** Lạng Sơn, the demo commune's province. */
export const DEMO_PROVINCE = '20';
export const DEMO_PASSWORD = 'xaso-demo-2026';

const VILLAGES: { type: string; name: string }[] = [
  { type: 'thôn', name: 'Khuổi Tào' },
  { type: 'thôn', name: 'Pò Đứa' },
  { type: 'bản', name: 'Nà Pàn' },
  { type: 'bản', name: 'Khòn Quang' },
];

/**
 * One account per role at the demo commune, and an admin of its province: what belongs to no
 * commune (citizens' sign-in codes in the development outbox, province-wide settings) is theirs.
 */
const STAFF: { username: string; displayName: string; role: Role; atProvince?: boolean }[] = [
  { username: 'quantri', displayName: 'Hoàng Văn Quản', role: 'admin' },
  { username: 'quantritinh', displayName: 'Hà Thị Tỉnh', role: 'admin', atProvince: true },
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

/** The demo accounts: these usernames, and the password the README prints. */
export const DEMO_ACCOUNTS: DemoAccounts = {
  usernames: [...STAFF, ...FIELD_TEAM].map((s) => s.username),
  password: DEMO_PASSWORD,
};

export interface DemoResult {
  placesImported: boolean;
  staff: { username: string; password: string; role: Role; place: string; created: boolean }[];
  /** With the demo seed off: the demo accounts disabled at this start. */
  disabledAccounts: string[];
  /** With the demo seed off: where the demo certificate's files were moved, if there were any. */
  disabledCertificate: string | undefined;
}

/**
 * First start: import the administrative units, then seed one demo commune with villages and one
 * account per role. Later starts find everything present and change nothing. With the demo seed off
 * (DEMO_SEED=false, the default in production), the demo accounts and the demo signing certificate
 * of an earlier demo start are disabled: they have a published password and a self-signed key.
 */
const DEMO_LOCK = 872_341_003;

export async function ensureDemo(
  platform: Pick<Platform, 'database' | 'config' | 'clock'>,
): Promise<DemoResult> {
  const { database, config, clock } = platform;
  // Instances starting together take turns, so the second finds the first one's work.
  const result = await database.withLock(DEMO_LOCK, () => seed(database, { seedDemo: config.DEMO_SEED }));
  if (config.DEMO_SEED) return result;
  return {
    ...result,
    disabledAccounts: await disableDemoAccounts(database.db, DEMO_ACCOUNTS),
    disabledCertificate: await disableDemoSigner(config, clock),
  };
}

/**
 * Production's last check before listening: no demo account may be active. A message naming
 * them and DEMO_SEED, or undefined.
 */
export async function activeDemoProblem(database: Database): Promise<string | undefined> {
  const active = await findActiveDemoAccounts(database.db, DEMO_ACCOUNTS);
  if (active.length === 0) return undefined;
  return `DEMO_SEED: demo accounts with the published password are active (${active.map((a) => a.username).join(', ')}); production does not start until they are disabled (start once with DEMO_SEED=false)`;
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
  const none = { disabledAccounts: [], disabledCertificate: undefined };
  if (!opts.seedDemo) return { placesImported, staff: [], ...none };
  const commune = await getPlaceByCode(database.db, DEMO_COMMUNE);
  const province = await getPlaceByCode(database.db, DEMO_PROVINCE);
  const villages = [];
  for (const v of VILLAGES) villages.push(await addVillageUnchecked(database.db, commune, v));
  await seedDemoClusters(database, commune);
  const staff = [];
  for (const { atProvince, ...s } of STAFF) {
    const place = atProvince ? province : commune;
    const r = await ensureUser(database.db, { ...s, password: DEMO_PASSWORD, place, demo: true });
    staff.push({
      username: s.username,
      password: DEMO_PASSWORD,
      role: s.role,
      place: place.fullName,
      created: r.created,
    });
  }
  const [hamlet] = villages;
  if (hamlet) {
    for (const s of FIELD_TEAM) {
      const r = await ensureUser(database.db, { ...s, password: DEMO_PASSWORD, place: hamlet, demo: true });
      staff.push({
        username: s.username,
        password: DEMO_PASSWORD,
        role: s.role,
        place: hamlet.fullName,
        created: r.created,
      });
    }
  }
  return { placesImported, staff, ...none };
}
