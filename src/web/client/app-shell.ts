/**
 * The page side of an installable app (decision 024): register its service worker, let a waiting
 * version in only when the app allows it, and ask the browser to keep the app's data.
 */
import { SKIP_WAITING } from './sw-core.ts';

export interface Updates {
  /** A new version is installed and waiting. */
  waiting: boolean;
  /** Let the waiting version in now if `canActivate` allows (the page reloads into it). */
  tryActivate(): Promise<boolean>;
  /** Ask the server for a new version now. */
  check(): Promise<void>;
}

export async function registerServiceWorker(
  url: string,
  scope: string,
  opts: { canActivate: () => Promise<boolean>; onChange: (u: Updates) => void },
): Promise<Updates | undefined> {
  if (!('serviceWorker' in navigator)) return undefined;
  const hadController = Boolean(navigator.serviceWorker.controller);
  let reg: ServiceWorkerRegistration;
  try {
    reg = await navigator.serviceWorker.register(url, { scope, updateViaCache: 'none' });
  } catch {
    return undefined;
  }
  const updates: Updates = {
    get waiting() {
      return Boolean(reg.waiting && navigator.serviceWorker.controller);
    },
    async tryActivate() {
      const waiting = reg.waiting;
      if (!waiting || !navigator.serviceWorker.controller) return false;
      if (!(await opts.canActivate())) return false;
      waiting.postMessage(SKIP_WAITING);
      return true;
    },
    async check() {
      await reg.update().catch(() => {});
    },
  };
  const notify = () => opts.onChange(updates);
  reg.addEventListener('updatefound', () => {
    reg.installing?.addEventListener('statechange', notify);
  });
  // A new version took over (this page asked, or another tab did): reload into it. The very first
  // installation also takes control, but there is no older version to leave.
  navigator.serviceWorker.addEventListener('controllerchange', () => {
    if (hadController) location.reload();
  });
  notify();
  return updates;
}

export interface StorageState {
  persisted: boolean | undefined;
}

/** Ask once that the browser never evict this origin's data on its own; say what it answered. */
export async function requestPersistence(): Promise<StorageState> {
  const s = navigator.storage;
  if (!s?.persisted) return { persisted: undefined };
  if (await s.persisted()) return { persisted: true };
  const granted = s.persist ? await s.persist().catch(() => false) : false;
  return { persisted: granted };
}
