/**
 * The service worker every installable app of Xã Số runs (decision 024), built into each app's own
 * worker entry with its configuration:
 * - install: cache the app shell and hashed assets; an app may refuse to install a new version
 *   (`mayInstall`), e.g. while changes wait to be sent, and the browser then keeps the running one;
 * - no `skipWaiting` of its own: a waiting version activates only when the page says so (after its
 *   own checks) or when every tab of the app is closed;
 * - activate: drop the caches of earlier versions, take control of open pages;
 * - fetch: the app's navigations get the cached shell (the page renders from local data), hashed
 *   assets come from the cache; anything else goes to the network untouched.
 */

export interface SwConfig {
  version: string;
  scope: string;
  precache: string[];
  shell: string;
  /** Regular expressions (as text) for the paths whose navigations get the shell. */
  shellRoutes: string[];
}

// The service worker's global scope, as much of it as this file uses (the DOM library has no
// ServiceWorkerGlobalScope, and the WebWorker library cannot be loaded next to it).
interface ExtendableEvent extends Event {
  waitUntil(p: Promise<unknown>): void;
}
interface FetchEvent extends ExtendableEvent {
  request: Request;
  respondWith(r: Response | Promise<Response>): void;
}
interface MessageEventLike extends ExtendableEvent {
  data: unknown;
}
interface SwScope {
  addEventListener(type: 'install' | 'activate', l: (e: ExtendableEvent) => void): void;
  addEventListener(type: 'fetch', l: (e: FetchEvent) => void): void;
  addEventListener(type: 'message', l: (e: MessageEventLike) => void): void;
  skipWaiting(): Promise<void>;
  clients: { claim(): Promise<void> };
  registration: { active: unknown };
  location: Location;
}
declare const self: SwScope;

export const SKIP_WAITING = 'skip-waiting';

export function startServiceWorker(cfg: SwConfig, hooks: { mayInstall?: () => Promise<boolean> } = {}) {
  const prefix = `xaso${cfg.scope.replace(/\W+/g, '-')}`;
  const cacheName = `${prefix}${cfg.version}`;
  const precached = new Set(cfg.precache.map((u) => new URL(u, self.location.origin).href));
  const shellRoutes = cfg.shellRoutes.map((r) => new RegExp(r));

  self.addEventListener('install', (event) => {
    event.waitUntil(
      (async () => {
        // The first installation always proceeds: there is no running version to finish anything.
        if (hooks.mayInstall && self.registration.active && !(await hooks.mayInstall())) {
          // The running version stays; the browser tries again at its next update check.
          throw new Error('this version waits: the app has work that the running version must finish');
        }
        const cache = await caches.open(cacheName);
        // The shell is fetched past the HTTP cache, so a new version never stores an older copy;
        // hashed assets may come from it (their URL changes with their content): the page that
        // registered this worker has usually just downloaded them.
        await cache.addAll(
          cfg.precache.map(
            (u) =>
              new Request(u, { cache: u === cfg.shell ? 'reload' : 'default', credentials: 'same-origin' }),
          ),
        );
      })(),
    );
  });

  self.addEventListener('message', (event) => {
    if (event.data === SKIP_WAITING) event.waitUntil(self.skipWaiting());
  });

  self.addEventListener('activate', (event) => {
    event.waitUntil(
      (async () => {
        for (const name of await caches.keys()) {
          if (name.startsWith(prefix) && name !== cacheName) await caches.delete(name);
        }
        await self.clients.claim();
      })(),
    );
  });

  self.addEventListener('fetch', (event) => {
    const req = event.request;
    if (req.method !== 'GET') return;
    const url = new URL(req.url);
    if (url.origin !== self.location.origin) return;
    if (req.mode === 'navigate' && shellRoutes.some((r) => r.test(url.pathname))) {
      event.respondWith(fromCache(cfg.shell, req));
      return;
    }
    if (precached.has(url.href)) event.respondWith(fromCache(url.href, req));
  });

  async function fromCache(key: string, req: Request) {
    const cache = await caches.open(cacheName);
    const hit = await cache.match(key);
    return hit ?? fetch(req);
  }
}
