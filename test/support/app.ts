import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LightMyRequestResponse, RouteOptions } from 'fastify';
import { buildApp } from '#app/app.ts';
import { bootPlatform } from '#app/bootstrap.ts';
import { ensureUser } from '#modules/identity/index.ts';
import { getPlaceByCode, importPlaces, type Place } from '#modules/places/index.ts';
import type { Role } from '#platform/auth/actor.ts';
import type { Clock } from '#platform/clock.ts';
import { loadConfig } from '#platform/config.ts';
import type { Platform } from '#platform/platform.ts';
import { createTestDatabase } from './db.ts';

export const FIXTURE_UNITS = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../fixtures/admin-units',
);
export const PASSWORD = 'correct horse battery';

/** Two communes of one province, for isolation tests: A is Mẫu Sơn, B is Đồng Đăng. */
export const COMMUNE_A = '06541';
export const COMMUNE_B = '06184';
export const PROVINCE = '20';

export interface TestApp {
  app: Awaited<ReturnType<typeof buildApp>>;
  platform: Platform;
  places: { province: Place; a: Place; b: Place };
  /** Create a staff user holding `role` at the place with `placeCode`. */
  user(username: string, role: Role, placeCode: string): Promise<number>;
  /** Sign a staff user in through the form; returns the cookie header to send. */
  signIn(username: string): Promise<string>;
  /** A bearer token through the API. */
  token(username: string): Promise<string>;
  /** GET a page and return its CSRF token and the cookies to send with a POST. */
  formToken(url: string, cookie?: string): Promise<{ csrf: string; cookie: string }>;
  close(): Promise<void>;
}

export function cookiesOf(res: LightMyRequestResponse, previous = ''): string {
  const jar = new Map(
    previous
      .split('; ')
      .filter(Boolean)
      .map((c) => [c.split('=')[0], c] as const),
  );
  for (const c of res.cookies) jar.set(c.name, `${c.name}=${c.value}`);
  return [...jar.values()].join('; ');
}

export async function createTestApp(
  opts: {
    env?: Record<string, string>;
    clock?: Clock;
    /** Sees every route as it is added (the page audit walks the route table with it). */
    onRoute?: (route: RouteOptions) => void;
  } = {},
): Promise<TestApp> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'xaso-test-'));
  const config = loadConfig({
    NODE_ENV: 'test',
    DATA_DIR: dataDir,
    JOBS: 'false',
    LOG_LEVEL: 'silent',
    ...opts.env,
  });
  const database = await createTestDatabase();
  const platform = await bootPlatform(config, { database, ...(opts.clock ? { clock: opts.clock } : {}) });
  await importPlaces(database, { dir: FIXTURE_UNITS });
  const app = await buildApp(platform, opts.onRoute ? { onRoute: opts.onRoute } : {});
  const places = {
    province: await getPlaceByCode(database.db, PROVINCE),
    a: await getPlaceByCode(database.db, COMMUNE_A),
    b: await getPlaceByCode(database.db, COMMUNE_B),
  };

  const formToken = async (url: string, cookie = '') => {
    const res = await app.inject({ method: 'GET', url, headers: { cookie } });
    const m = /name="_csrf" value="([^"]+)"/.exec(res.body);
    if (!m?.[1]) throw new Error(`no CSRF token on ${url} (status ${res.statusCode})`);
    return { csrf: m[1], cookie: cookiesOf(res, cookie) };
  };

  return {
    app,
    platform,
    places,
    async user(username, role, placeCode) {
      const place = await getPlaceByCode(database.db, placeCode);
      const r = await ensureUser(database.db, {
        username,
        displayName: username,
        password: PASSWORD,
        role,
        place,
      });
      return r.id;
    },
    async signIn(username) {
      const { csrf, cookie } = await formToken('/dang-nhap');
      const res = await app.inject({
        method: 'POST',
        url: '/dang-nhap',
        headers: { cookie },
        payload: { _csrf: csrf, username, password: PASSWORD },
      });
      if (res.statusCode !== 303) throw new Error(`sign-in failed for ${username}: ${res.statusCode}`);
      return cookiesOf(res, cookie);
    },
    async token(username) {
      const res = await app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        payload: { username, password: PASSWORD },
      });
      if (res.statusCode !== 200) throw new Error(`token failed for ${username}: ${res.body}`);
      return res.json().token;
    },
    formToken,
    async close() {
      await app.close();
      await database.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
