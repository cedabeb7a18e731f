import { XMLBuilder } from 'fast-xml-parser';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Platform } from '#platform/platform.ts';
import * as alertDb from './broadcast.alerts.queries.ts';
import { capDocument, describeAlert, listActiveAlerts } from './broadcast.alerts.service.ts';
import * as bulletinDb from './broadcast.bulletins.queries.ts';
import { ingestCap } from './broadcast.cap.service.ts';
import { authenticateDevice, listClusters } from './broadcast.clusters.service.ts';
import { sendAudio } from './broadcast.http.ts';
import { runtimeFor } from './broadcast.runtime.ts';
import { AlertOut, ClusterOut } from './broadcast.schemas.ts';

const Problem = z.object({ type: z.string(), status: z.number(), detail: z.string() }).loose();

function basicCredentials(header: string | undefined) {
  if (!header?.startsWith('Basic ')) return undefined;
  const decoded = Buffer.from(header.slice(6), 'base64').toString('utf8');
  const at = decoded.indexOf(':');
  return at < 0 ? undefined : { username: decoded.slice(0, at), password: decoded.slice(at + 1) };
}

const atom = new XMLBuilder({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  format: true,
  suppressEmptyNode: true,
});

/** JSON API (bearer tokens), the devices' audio downloads, and the public CAP feed. */
export function registerBroadcastApi(root: FastifyInstance, platform: Platform) {
  registerJsonApi(root, platform);
  registerDeviceAudio(root, platform);
  registerCapFeed(root, platform);
}

function registerJsonApi(root: FastifyInstance, platform: Platform) {
  const app = root.withTypeProvider<ZodTypeProvider>();
  const rt = runtimeFor(platform);

  app.get(
    '/api/v1/broadcast/communes/:code/clusters',
    {
      schema: {
        tags: ['broadcast'],
        summary:
          'A commune’s loudspeaker clusters with their status (radio operator, approver or admin of the commune)',
        security: [{ bearer: [] }],
        params: z.object({ code: z.string().max(20) }),
        response: { 200: z.object({ items: z.array(ClusterOut) }), 401: Problem, 403: Problem, 404: Problem },
      },
    },
    async (req) => {
      const clusters = await listClusters(req.ctx(), req.params.code);
      return {
        items: clusters.map((c) => ({
          id: c.id,
          code: c.code,
          name: c.name,
          placeCode: c.placeCode,
          placeName: c.placeName,
          languages: c.languages,
          volume: c.volume,
          status: c.liveStatus,
          lastSeenAt: c.lastSeenAt?.toISOString() ?? null,
          scheduleVersion: c.pushedVersion,
          acknowledgedVersion: c.ackedVersion,
          disabled: c.disabledAt !== null,
        })),
      };
    },
  );

  app.register(async (scope) => {
    // CAP arrives as XML; only this route parses it.
    scope.addContentTypeParser(
      ['application/cap+xml', 'application/xml', 'text/xml'],
      { parseAs: 'string', bodyLimit: 512 * 1024 },
      (_req, body, done) => done(null, body),
    );
    scope.withTypeProvider<ZodTypeProvider>().post(
      '/api/v1/broadcast/cap',
      {
        schema: {
          tags: ['broadcast'],
          summary:
            'Receive a CAP 1.2 alert (XML). Actual alerts with Vietnamese text are spoken and broadcast at once to the clusters in their areas (geocode valueName VN-MADVHC = commune or village code); Cancel stops the alerts it references. An Alert or Update whose areas are only a polygon or circle (geocode and language are optional in CAP 1.2) is kept with outcome `awaiting`: a radio operator chooses its places on the alert page. The caller must be a radio operator over every area.',
          security: [{ bearer: [] }],
          body: z.string().min(1),
          response: {
            201: AlertOut.extend({ outcome: z.enum(['broadcast', 'stored', 'cancelled', 'awaiting']) }),
            400: Problem,
            401: Problem,
            403: Problem,
            409: Problem,
          },
        },
      },
      async (req, reply) => {
        const r = await ingestCap(req.ctx(), rt.deps, req.body);
        return reply.code(201).send({
          id: r.alert.id,
          identifier: r.alert.identifier,
          sender: r.alert.sender,
          sent: r.alert.sent.toISOString(),
          status: r.alert.status,
          msgType: r.alert.msgType,
          event: r.alert.event,
          headline: r.alert.headline,
          broadcast: r.outcome === 'broadcast',
          devices: r.devices,
          cancelled: r.cancelled,
          outcome: r.outcome,
        });
      },
    );
  });

  app.get(
    '/api/v1/broadcast/alerts/:id',
    {
      schema: {
        tags: ['broadcast'],
        summary: 'An alert and its delivery to each device in the caller’s communes',
        security: [{ bearer: [] }],
        params: z.object({ id: z.coerce.number().int().positive() }),
        response: {
          200: z.object({
            id: z.number(),
            identifier: z.string(),
            headline: z.string().nullable(),
            cancelledAt: z.string().nullable(),
            deliveries: z.array(
              z.object({
                device: z.string(),
                pushedAt: z.string().nullable(),
                acknowledgedAt: z.string().nullable(),
                status: z.string().nullable(),
              }),
            ),
          }),
          401: Problem,
          403: Problem,
          404: Problem,
        },
      },
    },
    async (req) => {
      const { alert, deliveries } = await describeAlert(req.ctx(), req.params.id);
      return {
        id: alert.id,
        identifier: alert.identifier,
        headline: alert.headline,
        cancelledAt: alert.cancelledAt?.toISOString() ?? null,
        deliveries: deliveries.map((d) => ({
          device: d.code,
          pushedAt: d.pushedAt?.toISOString() ?? null,
          acknowledgedAt: d.acknowledgedAt?.toISOString() ?? null,
          status: d.ackStatus,
        })),
      };
    },
  );
}

function registerDeviceAudio(root: FastifyInstance, platform: Platform) {
  const app = root.withTypeProvider<ZodTypeProvider>();
  // Devices fetch audio with their MQTT username and password (HTTP Basic over HTTPS in production).
  app.get(
    '/device/audio/:sha256',
    { schema: { hide: true, params: z.object({ sha256: z.string().regex(/^[0-9a-f]{64}$/) }) } },
    async (req, reply) => {
      const creds = basicCredentials(req.headers.authorization);
      const cluster = creds
        ? await authenticateDevice(req.ctx().db, creds.username, creds.password)
        : undefined;
      if (!cluster) {
        return reply
          .code(401)
          .header('www-authenticate', 'Basic realm="xaso-loa", charset="UTF-8"')
          .type('text/plain; charset=utf-8')
          .send('device credentials required');
      }
      const audio = await bulletinDb.findDeviceAudio(req.ctx().db, cluster.communeId, req.params.sha256);
      if (!audio?.fileId)
        return reply.code(404).type('text/plain; charset=utf-8').send('no such audio for this device');
      return sendAudio(
        reply,
        platform,
        { fileId: audio.fileId, mime: audio.mime ?? 'application/octet-stream', bytes: audio.bytes ?? 0 },
        // Content-addressed: the bytes behind a hash never change.
        'private, max-age=31536000, immutable',
      );
    },
  );
}

function registerCapFeed(root: FastifyInstance, platform: Platform) {
  const app = root.withTypeProvider<ZodTypeProvider>();
  // Alerts in force as an Atom feed of CAP 1.2 documents (the usual way CAP is published).
  app.get('/cap/alerts.xml', { schema: { hide: true } }, async (req, reply) => {
    const now = req.ctx().clock.now();
    const alerts = (await listActiveAlerts(req.ctx().db, now))
      .filter((a) => a.scope === 'Public')
      .map((a) => ({ ...a, document: capDocument(a) }))
      .filter((a) => a.document !== undefined);
    const base = platform.config.PUBLIC_URL.replace(/\/$/, '');
    const feed = {
      feed: {
        '@_xmlns': 'http://www.w3.org/2005/Atom',
        id: `${base}/cap/alerts.xml`,
        title: 'Xã Số — cảnh báo khẩn cấp đang hiệu lực',
        updated: (alerts[0]?.sent ?? now).toISOString(),
        link: { '@_rel': 'self', '@_href': `${base}/cap/alerts.xml` },
        entry: alerts.map((a) => ({
          id: `${base}/cap/alerts/${a.id}.xml`,
          title: a.headline ?? a.event,
          updated: a.sent.toISOString(),
          author: { name: a.sender },
          link: {
            '@_rel': 'alternate',
            '@_type': 'application/cap+xml',
            '@_href': `${base}/cap/alerts/${a.id}.xml`,
          },
          summary: a.instruction ?? a.description ?? '',
        })),
      },
    };
    // Each entry's content is the alert's CAP document, as published (written by us, see capDocument).
    let xml = atom.build(feed) as string;
    for (const a of alerts) {
      const marker = `<id>${base}/cap/alerts/${a.id}.xml</id>`;
      const content = `<content type="application/cap+xml">${a.document?.replace(/^<\?xml[^>]*>\s*/, '')}</content>`;
      // A function, so "$&" or "$'" in an alert's text stay text.
      xml = xml.replace(marker, () => `${marker}\n${content}`);
    }
    return reply
      .type('application/atom+xml; charset=utf-8')
      .header('cache-control', 'public, max-age=30')
      .send(`<?xml version="1.0" encoding="UTF-8"?>\n${xml}`);
  });

  app.get(
    '/cap/alerts/:id.xml',
    { schema: { hide: true, params: z.object({ id: z.coerce.number().int().positive() }) } },
    async (req, reply) => {
      const alert = await alertDb.findAlertById(req.ctx().db, req.params.id);
      const document = alert?.scope === 'Public' ? capDocument(alert) : undefined;
      if (!document) return reply.code(404).type('text/plain; charset=utf-8').send('not found');
      return reply
        .type('application/cap+xml; charset=utf-8')
        .header('cache-control', 'public, max-age=60')
        .send(document);
    },
  );
}
