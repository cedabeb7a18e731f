import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { withBenchApp } from '../bench-app.ts';
import { measureRequests } from '../load.ts';
import { alternate, compare, databaseKind, type Measure } from '../measure.ts';
import { APPLICANT, COMMUNE, FORM, multipartBody, PDF, PROCEDURE } from './dossier-common.ts';

const PASSWORD = 'bench-password-2026';

/**
 * Dossiers filed per second through the whole API (multipart parse, the PDF streamed to storage and
 * sniffed, validation against the procedure's e-form, the daily number, the dossier, its log entry,
 * its file link and its SMS in one transaction), against the same rows written by bare INSERTs in one
 * transaction each, in the same database, at the same concurrency.
 */
export const dossierSubmit: Measure = {
  name: 'dossier-submit',
  description: 'POST /api/v1/dossiers (a new dossier each) per second, against raw INSERTs of the same rows',
  async run(s) {
    const kind = databaseKind();
    const { getPlaceByCode } = await import('#modules/places/index.ts');
    const { ensureCatalogue } = await import('#modules/procedures/index.ts');
    const { ensureUser } = await import('#modules/identity/index.ts');
    return withBenchApp('dossier-submit', {}, async ({ platform, origin }) => {
      const { db } = platform.database;
      await ensureCatalogue(db);
      const commune = await getPlaceByCode(db, COMMUNE);
      // A one-stop desk filing at the counter through the API: staff are not held to the per-address
      // limit that protects the public endpoint (a commune office shares one address).
      await ensureUser(db, {
        username: 'bench_desk',
        displayName: 'Bench desk',
        password: PASSWORD,
        role: 'receptionist',
        place: commune,
      });

      const login = await fetch(`${origin}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'bench_desk', password: PASSWORD }),
      });
      if (login.status !== 200) throw new Error(`login answered ${login.status}`);
      const { token } = (await login.json()) as { token: string };
      const { body, contentType } = await multipartBody([
        { name: 'procedureCode', value: PROCEDURE },
        { name: 'unitCode', value: COMMUNE },
        { name: 'channel', value: '1' },
        { name: 'helpedPlaceCode', value: COMMUNE },
        { name: 'applicant', value: JSON.stringify(APPLICANT) },
        { name: 'form', value: JSON.stringify(FORM) },
        { name: 'doc.birthCertificate', file: { filename: 'giay-chung-sinh.pdf', data: PDF } },
      ]);
      const headers = {
        'content-type': contentType,
        authorization: `Bearer ${token}`,
        'idempotency-key': 'bench-[<id>]',
      };
      const probe = await fetch(`${origin}/api/v1/dossiers`, {
        method: 'POST',
        headers: { ...headers, 'idempotency-key': `bench-probe-${randomUUID()}` },
        body: new Uint8Array(body),
      });
      if (probe.status !== 201) throw new Error(`POST answered ${probe.status} ${await probe.text()}`);

      // The same rows, written bare: one transaction per dossier, as many at once as the load's connections.
      const [row] = await platform.database.query<{ version: string }>(
        'select version from dossier_procedure_versions where procedure_code = $1 limit 1',
        [PROCEDURE],
      );
      const version = row?.version ?? '1';
      let n = 0;
      const insertOne = async () => {
        const i = n++;
        const fileId = randomUUID();
        await db.transaction(async (tx) => {
          await tx.execute(sql`insert into files (id, storage_key, original_name, mime_type, size_bytes, sha256)
                values (${fileId}, ${`raw/${fileId}`}, 'giay-chung-sinh.pdf', 'application/pdf', ${PDF.length}, ${'0'.repeat(64)})`);
          const inserted =
            await tx.execute(sql`insert into dossiers (code, agency_code, procedure_code, procedure_version,
                  procedure_name, applicant_name, applicant_id_number, applicant_phone, applicant_address, form_data, channel,
                  unit_id, unit_path, helped_place_id, submitted_at, status, step, idempotency_key)
                values (${`RAW-${i}-${fileId.slice(0, 8)}`}, 'RAW', ${PROCEDURE}, ${version}, 'Thủ tục đăng ký khai sinh',
                  ${APPLICANT.name}, ${APPLICANT.idNumber}, ${APPLICANT.phone}, ${APPLICANT.address}, ${JSON.stringify(FORM)}::jsonb,
                  1, ${commune.id}, ${commune.path}, ${commune.id}, now(), 1, 'submitted', ${`raw-${fileId}`})
                returning id`);
          const id = ((inserted as { rows?: { id: number }[] }).rows ??
            (inserted as unknown as { id: number }[]))[0]?.id;
          const action =
            await tx.execute(sql`insert into dossier_actions (dossier_id, type, at, actor_kind, actor_name, unit_id, payload, status_after)
                values (${id}, 'submit', now(), 'staff', 'Bench desk', ${commune.id},
                  ${JSON.stringify({ unit: { id: commune.id, path: commune.path }, applicantPhone: APPLICANT.phone, channel: 1 })}::jsonb, 1)
                returning id`);
          const actionId = ((action as { rows?: { id: number }[] }).rows ??
            (action as unknown as { id: number }[]))[0]?.id;
          await tx.execute(
            sql`insert into dossier_files (dossier_id, file_id, document_id) values (${id}, ${fileId}, 'birthCertificate')`,
          );
          await tx.execute(sql`insert into notifications (channel, recipient, body, template, dedupe_key)
                values ('sms', ${APPLICANT.phone}, 'Hồ sơ đã được gửi, chờ xã tiếp nhận.', 'dossiers.submitted', ${`raw-action:${actionId}`})`);
        });
      };
      const run = async (seconds: number) => {
        const until = performance.now() + seconds * 1000;
        let count = 0;
        const t0 = performance.now();
        await Promise.all(
          Array.from({ length: s.connections }, async () => {
            while (performance.now() < until) {
              await insertOne();
              count++;
            }
          }),
        );
        return { count, seconds: (performance.now() - t0) / 1000 };
      };
      const rawLoad = async () => {
        if (s.warmupSeconds > 0) await run(s.warmupSeconds);
        const raw = await run(s.seconds);
        return { ...raw, perSecond: raw.count / raw.seconds };
      };
      const apiLoad = async () => {
        const api = await measureRequests(
          { url: `${origin}/api/v1/dossiers`, method: 'POST', headers, body: body.toString('utf8') },
          s,
        );
        return { ...api, perSecond: api.requestsPerSecond };
      };
      const { baseline, value, rounds } = await alternate(
        s,
        { baseline: rawLoad, value: apiLoad },
        (r) => r.perSecond,
      );
      const answered = rounds.reduce((n, r) => n + r.value.totalRequests, 0);
      const [made] = await platform.database.query<{ n: number }>(
        "select count(*)::int as n from dossiers where agency_code <> 'RAW'",
      );
      if ((made?.n ?? 0) < answered) {
        throw new Error(`${answered} answers but only ${made?.n} dossiers: replays were counted`);
      }

      return compare({
        label: `dossier-submit (${kind})`,
        value,
        unit: 'dossiers/s',
        baseline,
        baselineLabel: 'raw INSERTs of the same rows',
        higherIsBetter: true,
        details: {
          database: kind,
          target: 0.3,
          seconds: s.seconds,
          connections: s.connections,
          rounds,
        },
      });
    });
  },
};
