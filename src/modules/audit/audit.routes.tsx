import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requireStaff } from '#platform/auth/actor.ts';
import { formatDateTime } from '#platform/i18n/dates.ts';
import { addMessages } from '#platform/i18n/index.ts';
import { Layout } from '#web/layout.tsx';
import { pageCtx, sendPage } from '#web/render.tsx';
import { listAudit } from './audit.service.ts';

addMessages('audit', {
  vi: {
    title: 'Nhật ký thao tác',
    when: 'Thời điểm',
    who: 'Người làm',
    what: 'Việc',
    from: 'Từ địa chỉ',
    older: 'Cũ hơn',
  },
  en: { title: 'Audit log', when: 'When', who: 'Who', what: 'What', from: 'From', older: 'Older' },
});

const Query = z.object({ before: z.coerce.number().int().positive().optional() });

export function registerAuditRoutes(root: FastifyInstance) {
  const app = root.withTypeProvider<ZodTypeProvider>();

  app.get('/quan-tri/nhat-ky', async (req, reply) => {
    requireStaff(req.actor);
    const { before } = Query.parse(req.query);
    const rows = await listAudit(req.ctx().db, req.actor, before ? { before } : {});
    const page = await pageCtx(req, reply);
    const t = page.t;
    const last = rows.at(-1);
    return sendPage(
      reply,
      <Layout page={page} title={t('audit:title')}>
        <h1>{t('audit:title')}</h1>
        <table>
          <thead>
            <tr>
              <th>{t('audit:when')}</th>
              <th>{t('audit:who')}</th>
              <th>{t('audit:what')}</th>
              <th>{t('audit:from')}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.id}>
                <td>{formatDateTime(r.at, { seconds: true })}</td>
                <td>{r.actorLabel}</td>
                <td>
                  <code>{r.action}</code> {r.targetType && `${r.targetType}#${r.targetId}`}
                </td>
                <td>{r.ip}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {last && rows.length >= 50 && (
          <p>
            <a href={`/quan-tri/nhat-ky?before=${last.id}`}>{t('audit:older')}</a>
          </p>
        )}
      </Layout>,
    );
  });

  app.get(
    '/api/v1/audit',
    {
      schema: {
        tags: ['audit'],
        summary: 'Audit entries at places inside the caller’s admin subtrees, newest first',
        security: [{ bearer: [] }],
        querystring: Query,
        response: {
          200: z.object({
            items: z.array(
              z.object({
                id: z.number(),
                at: z.string(),
                actor: z.string(),
                action: z.string(),
                targetType: z.string().nullable(),
                targetId: z.string().nullable(),
                placeId: z.number().nullable(),
                ip: z.string().nullable(),
              }),
            ),
          }),
        },
      },
    },
    async (req) => {
      const rows = await listAudit(
        req.ctx().db,
        req.actor,
        req.query.before ? { before: req.query.before } : {},
      );
      return {
        items: rows.map((r) => ({
          id: r.id,
          at: r.at.toISOString(),
          actor: r.actorLabel,
          action: r.action,
          targetType: r.targetType,
          targetId: r.targetId,
          placeId: r.placeId,
          ip: r.ip,
        })),
      };
    },
  );
}
