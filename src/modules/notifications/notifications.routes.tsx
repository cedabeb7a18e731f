import type { FastifyInstance } from 'fastify';
import { isProvinceAdmin, requireStaff, scopeOf } from '#platform/auth/actor.ts';
import { Forbidden } from '#platform/errors.ts';
import { formatDateTime } from '#platform/i18n/dates.ts';
import { addMessages } from '#platform/i18n/index.ts';
import type { Platform } from '#platform/platform.ts';
import { Layout } from '#web/layout.tsx';
import { pageCtx, sendPage } from '#web/render.tsx';
import { listDevMessages } from './notifications.service.ts';
import { smsSize } from './sms.ts';

addMessages('notifications', {
  vi: {
    dev: {
      title: 'Tin nhắn đã gửi (môi trường thử)',
      intro: 'Máy chủ đang dùng bộ gửi thử: tin nhắn SMS và email không rời khỏi máy mà hiện ở đây.',
      to: 'Người nhận',
      body: 'Nội dung',
      segments: '{{count}} phần SMS ({{encoding}})',
      none: 'Chưa có tin nhắn nào.',
    },
  },
  en: {
    dev: {
      title: 'Sent messages (test environment)',
      intro:
        'This server uses the development sender: SMS and email never leave the machine and appear here instead.',
      to: 'To',
      body: 'Message',
      segments: '{{count}} SMS segment(s) ({{encoding}})',
      none: 'No messages yet.',
    },
  },
});

export function registerNotificationRoutes(app: FastifyInstance, platform: Platform) {
  app.get('/quan-tri/tin-nhan', async (req, reply) => {
    const staff = requireStaff(req.actor);
    // The development outbox holds citizens' sign-in codes: admins only, in development mode only
    // (production refuses the dev adapters at start), each admin only the messages of their subtree;
    // messages of no commune (sign-in codes) only to admins of a province or the country.
    const scope = scopeOf(staff, 'admin');
    if (scope.length === 0 || platform.config.SMS_ADAPTER !== 'dev') throw new Forbidden();
    const recipient = (req.query as { to?: string }).to;
    const rows = await listDevMessages(req.ctx().db, {
      scope,
      placeless: isProvinceAdmin(staff),
      ...(recipient ? { recipient } : {}),
    });
    const page = await pageCtx(req, reply);
    const t = page.t;
    return sendPage(
      reply,
      <Layout page={page} title={t('notifications:dev.title')}>
        <h1>{t('notifications:dev.title')}</h1>
        <p>{t('notifications:dev.intro')}</p>
        {rows.length === 0 && <p>{t('notifications:dev.none')}</p>}
        <ul class="cards">
          {rows.map((m) => {
            const size = smsSize(m.body);
            return (
              <li key={m.id} data-recipient={m.recipient}>
                <strong>
                  {m.channel.toUpperCase()} → {m.recipient}
                </strong>{' '}
                <span class="muted">{formatDateTime(m.deliveredAt, { seconds: true })}</span>
                {m.subject && <p>{m.subject}</p>}
                <p class="message-body">{m.body}</p>
                {m.channel === 'sms' && (
                  <small class="muted">
                    {t('notifications:dev.segments', { count: size.segments, encoding: size.encoding })}
                  </small>
                )}
              </li>
            );
          })}
        </ul>
      </Layout>,
    );
  });
}
