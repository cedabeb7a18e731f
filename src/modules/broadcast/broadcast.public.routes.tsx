import type { FastifyInstance } from 'fastify';
import type { Platform } from '#platform/platform.ts';
import { Layout } from '#web/layout.tsx';
import { pageCtx, sendPage } from '#web/render.tsx';
import { listActiveAlerts } from './broadcast.alerts.service.ts';
import { bulletinAudio, listPublicBulletins } from './broadcast.bulletins.service.ts';
import { codeParam, idParam, sendAudio, sendCaptions } from './broadcast.http.ts';
import { listCommunesWithPublicBulletins } from './broadcast.reports.service.ts';
import { DAY_MS } from './broadcast.schedule.ts';
import { BulletinAudio, fmtTime } from './broadcast.views.tsx';

/** For everyone: communes' recent bulletins with audio and captions, and the alerts in force. */
export function registerPublicPages(root: FastifyInstance, platform: Platform) {
  root.get('/loa', async (req, reply) => {
    const ctx = req.ctx();
    const communes = await listCommunesWithPublicBulletins(
      ctx.db,
      new Date(ctx.clock.now().getTime() - 30 * DAY_MS),
    );
    const page = await pageCtx(req, reply);
    const t = page.t;
    return sendPage(
      reply,
      <Layout page={page} title={t('broadcast:public.h')}>
        <h1>{t('broadcast:public.h')}</h1>
        <p>{t('broadcast:public.choose')}</p>
        {communes.length === 0 && <p>{t('broadcast:public.none')}</p>}
        <ul>
          {communes.map((c) => (
            <li key={c.id}>
              <a href={`/loa/xa/${c.code}`}>{c.fullName}</a>
            </li>
          ))}
        </ul>
      </Layout>,
    );
  });

  root.get('/loa/xa/:code', async (req, reply) => {
    const { code } = codeParam.parse(req.params);
    const ctx = req.ctx();
    const now = ctx.clock.now();
    const { commune, bulletins } = await listPublicBulletins(
      ctx.db,
      code,
      new Date(now.getTime() - 30 * DAY_MS),
    );
    const alerts = (await listActiveAlerts(ctx.db, now, [commune.path])).filter((a) => a.scope === 'Public');
    const page = await pageCtx(req, reply);
    const t = page.t;
    return sendPage(
      reply,
      <Layout page={page} title={t('broadcast:public.bulletins', { commune: commune.fullName })}>
        <h1>{t('broadcast:public.bulletins', { commune: commune.fullName })}</h1>
        {alerts.length > 0 && (
          <div class="errors" role="alert">
            <p>{t('broadcast:public.alerts')}</p>
            {alerts.map((a) => (
              <p key={a.id}>
                <strong>{a.headline ?? a.event}</strong> — {a.instruction}
              </p>
            ))}
          </div>
        )}
        {bulletins.length === 0 && <p>{t('broadcast:public.noBulletins')}</p>}
        <ul class="cards">
          {bulletins.map((b) => (
            <li key={b.id}>
              <h2>{b.title}</h2>
              <p class="muted">
                {fmtTime(b.createdAt)}{' '}
                {b.priority !== 'normal' && <span class="tag">{t(`broadcast:priority.${b.priority}`)}</span>}
              </p>
              {b.audioFileId && <BulletinAudio t={t} bulletin={b} base="/loa" />}
              {b.body && <p style="white-space:pre-wrap">{b.body}</p>}
            </li>
          ))}
        </ul>
      </Layout>,
    );
  });

  root.get('/loa/ban-tin/:id/phu-de.vtt', async (req, reply) => {
    const { id } = idParam.parse(req.params);
    const { bulletin: b } = await bulletinAudio(req.ctx(), id, 'public');
    return sendCaptions(reply, b, 'public, max-age=86400');
  });

  root.get('/loa/ban-tin/:id/am-thanh', async (req, reply) => {
    const { id } = idParam.parse(req.params);
    return sendAudio(reply, platform, await bulletinAudio(req.ctx(), id, 'public'), 'public, max-age=86400');
  });
}
