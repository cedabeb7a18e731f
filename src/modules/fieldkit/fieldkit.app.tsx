import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ComponentChildren } from 'preact';
import { CSS_HREF } from '#web/assets.ts';
import { bundleScript, bundleStyle, type ClientAsset } from '#web/client-assets.ts';
import { Layout, type PageCtx } from '#web/layout.tsx';
import { type Pwa, registerPwa } from '#web/pwa.ts';
import { sendPage } from '#web/render.tsx';
import { REVIEW_ROLES } from './fieldkit.access.ts';
import { KIT, KitStatus } from './views/kit-views.tsx';

const CLIENT_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'client');
export const SHELL = `${KIT}ung-dung`;
export const SYNC = `${KIT}dong-bo/`;

export interface KitAssets {
  script: ClientAsset;
  style: ClientAsset;
  pwa: Pwa;
  /** Names this build of the kit: its script's and service worker's hashes. */
  appVersion: string;
}

/** Bundle the kit and serve its service worker; once per app (the bundles once per process). */
export async function prepareKit(app: FastifyInstance): Promise<KitAssets> {
  const [script, style] = await Promise.all([
    bundleScript('kit', path.join(CLIENT_DIR, 'kit.tsx')),
    bundleStyle('kit', path.join(CLIENT_DIR, 'kit.css')),
  ]);
  const pwa = await registerPwa(app, {
    scope: KIT,
    name: 'Xã Số — Tổ công nghệ số cộng đồng',
    shortName: 'Tổ CNSCĐ',
    description: 'Danh sách hộ, lần thăm và hỗ trợ nộp hồ sơ, dùng được cả khi mất sóng.',
    lang: 'vi',
    startUrl: KIT,
    themeColor: '#a3191b',
    serviceWorker: path.join(CLIENT_DIR, 'sw.ts'),
    precache: [script.url, style.url, CSS_HREF],
    shell: SHELL,
    shellRoutes: [`^${KIT}$`, `^${SHELL}$`, `^${KIT}ho/`],
  });
  return { script, style, pwa, appVersion: `${script.hash}.${pwa.version}` };
}

/** A kit page: the site's layout, the kit's status line, the view, and the kit's script. */
export function sendKitPage(
  req: FastifyRequest,
  reply: FastifyReply,
  kit: KitAssets,
  page: PageCtx,
  opts: { title: string; status?: number; shell?: boolean },
  children: ComponentChildren,
) {
  const actor = req.actor;
  const config = {
    swUrl: kit.pwa.swUrl,
    scope: KIT,
    syncUrl: SYNC,
    appVersion: kit.appVersion,
    user:
      !opts.shell && actor.kind === 'staff'
        ? {
            id: actor.userId,
            name: actor.displayName,
            canReview: actor.grants.some((g) => REVIEW_ROLES.includes(g.role)),
          }
        : null,
  };
  return sendPage(
    reply,
    <Layout
      page={page}
      title={opts.title}
      head={
        <>
          <link rel="stylesheet" href={kit.style.url} />
          <link rel="manifest" href={kit.pwa.manifestUrl} />
          <meta name="theme-color" content="#a3191b" />
          <link rel="apple-touch-icon" href={kit.pwa.icon.url} />
        </>
      }
    >
      <KitStatus page={page} />
      <div id="fk-view">{children}</div>
      <script
        type="application/json"
        id="fk-config"
        // JSON inside a script element: "<" escaped so no text can close the element.
        dangerouslySetInnerHTML={{ __html: JSON.stringify(config).replace(/</g, '\\u003c') }}
      />
      <script type="module" src={kit.script.url} />
    </Layout>,
    opts.status ?? 200,
  );
}
