/** The kit's service worker: the shared core, and no new version while a change waits to be sent. */
import { type SwConfig, startServiceWorker } from '#web/client/sw-core.ts';
import { pendingEverywhere } from './store.ts';

declare const __SW_CONFIG__: SwConfig;

startServiceWorker(__SW_CONFIG__, {
  mayInstall: async () => (await pendingEverywhere().catch(() => 1)) === 0,
});
