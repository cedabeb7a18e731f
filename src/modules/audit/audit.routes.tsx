import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { type Actor, requireStaff, scopeOf } from '#platform/auth/actor.ts';
import type { Db } from '#platform/db/client.ts';
import { type FieldError, Invalid } from '#platform/errors.ts';
import { dateHint, formatDate, formatDateTime } from '#platform/i18n/dates.ts';
import { addMessages } from '#platform/i18n/index.ts';
import { blankToUndefined, fieldErrors, msg, splitMessage } from '#platform/validation.ts';
import { errorsFor } from '#web/form.tsx';
import { Layout } from '#web/layout.tsx';
import { pageCtx, sendPage } from '#web/render.tsx';
import {
  ACTION_LABELS,
  actionLabel,
  DOSSIER_PREFIX,
  DOSSIER_STEP_LABELS,
  targetLabel,
} from './audit.labels.ts';
import { AuditQuery, dayRange } from './audit.schemas.ts';
import {
  type AuditFilter,
  decodeCursor,
  encodeCursor,
  listAudit,
  listTrail,
  type TrailRow,
} from './audit.service.ts';

addMessages('audit', {
  vi: {
    title: 'Nhật ký thao tác',
    when: 'Thời điểm',
    who: 'Người làm',
    what: 'Việc',
    target: 'Đối tượng',
    place: 'Địa bàn',
    from: 'Từ địa chỉ',
    older: 'Cũ hơn',
    newest: 'Mới nhất',
    filter: 'Lọc',
    clear: 'Bỏ lọc',
    csv: 'Tải CSV (các dòng đã lọc)',
    person: 'Người làm (tên hoặc tên đăng nhập)',
    action: 'Việc',
    anyAction: 'Mọi việc',
    dossierSteps: 'Bước xử lý hồ sơ',
    tu: 'Từ ngày',
    den: 'Đến ngày',
    anyPlace: 'Mọi địa bàn',
    none: 'Không có dòng nào.',
    system: 'Hệ thống',
    anonymous: 'Không rõ (chưa đăng nhập)',
  },
  en: {
    title: 'Audit log',
    when: 'When',
    who: 'Who',
    what: 'What',
    target: 'Of what',
    place: 'Place',
    from: 'From',
    older: 'Older',
    newest: 'Newest',
    filter: 'Filter',
    clear: 'Clear filters',
    csv: 'Download CSV (the filtered rows)',
    person: 'Who (name or username)',
    action: 'Action',
    anyAction: 'Any action',
    dossierSteps: 'Dossier steps',
    tu: 'From',
    den: 'To',
    anyPlace: 'Any place',
    none: 'No entries.',
    system: 'System',
    anonymous: 'Unknown (not signed in)',
  },
});

const ApiQuery = z.object({ before: z.coerce.number().int().positive().optional() });
const Words = z.object({ vi: z.string(), en: z.string() });
type Locale = 'vi' | 'en';

/**
 * The place lookups the audit pages need, passed in at composition (src/app): places records its
 * own changes in the audit log, so audit does not import places.
 */
export interface AuditPlaces {
  findPlaceByCode(db: Db, code: string): Promise<{ path: string } | undefined>;
  findPlacesByIds(db: Db, ids: number[]): Promise<{ id: number; code: string; name: string }[]>;
  listChildren(db: Db, parentId: number): Promise<{ code: string; name: string }[]>;
}

/** At most this many rows in one CSV; narrow the filter for more. */
const CSV_MAX_ROWS = 100_000;

/** The query parsed into a filter, or the field errors (place codes checked against the admin's scope). */
async function readFilter(
  db: Db,
  places: AuditPlaces,
  actor: Actor,
  raw: unknown,
): Promise<{ q: Partial<AuditQuery>; filter: AuditFilter; errors: FieldError[] }> {
  const input = blankToUndefined(raw);
  const parsed = AuditQuery.safeParse(input);
  if (!parsed.success) {
    const q = Object.fromEntries(
      Object.entries(input).filter(([, v]) => typeof v === 'string'),
    ) as Partial<AuditQuery>;
    return { q, filter: {}, errors: fieldErrors(parsed.error) };
  }
  const q = parsed.data;
  const filter: AuditFilter = { person: q.nguoi, action: q.viec, ...dayRange(q) };
  if (q.noi) {
    const place = await places.findPlaceByCode(db, q.noi);
    const scope = scopeOf(actor, 'admin');
    if (!place || !scope.some((p) => place.path.startsWith(p)))
      return {
        q,
        filter,
        errors: [
          {
            field: 'noi',
            vi: 'Không có địa bàn này trong phạm vi bạn quản trị.',
            en: 'No such place within the places you administer.',
          },
        ],
      };
    filter.placePath = place.path;
  }
  return { q, filter, errors: [] };
}

async function placeNames(db: Db, places: AuditPlaces, rows: { placeId: number | null }[]) {
  const ids = [...new Set(rows.map((r) => r.placeId).filter((id): id is number => id !== null))];
  return new Map((await places.findPlacesByIds(db, ids)).map((p) => [p.id, p.name]));
}

function who(r: TrailRow, t: (k: string) => string) {
  if (r.actorName) return r.actorName;
  if (r.actorLabel === 'anonymous') return t('audit:anonymous');
  if (r.actorLabel === 'system') return t('audit:system');
  return r.actorLabel;
}

/** Query string of the filters (without the cursor), for links. */
function filterQuery(q: Partial<AuditQuery>) {
  const p = new URLSearchParams();
  for (const k of ['nguoi', 'viec', 'tu', 'den', 'noi'] as const) {
    const v = q[k];
    if (typeof v === 'string' && v) p.set(k, v);
  }
  return p.toString();
}

export function registerAuditRoutes(root: FastifyInstance, places: AuditPlaces) {
  const app = root.withTypeProvider<ZodTypeProvider>();

  app.get('/quan-tri/nhat-ky', async (req, reply) => {
    const staff = requireStaff(req.actor);
    const db = req.ctx().db;
    const { q, filter, errors } = await readFilter(db, places, staff, req.query);
    const cursor = q.trang ? decodeCursor(q.trang) : null;
    if (q.trang && !cursor)
      errors.push({ field: 'trang', ...splitMessage(msg('Trang không hợp lệ.', 'Not a valid page.')) });
    const rows = errors.length
      ? []
      : q.before && !cursor
        ? (await listAudit(db, staff, { before: q.before, filter })).map(
            (r): TrailRow => ({ ...r, source: 'audit', details: r.details ?? {} }),
          )
        : await listTrail(db, staff, { filter, after: cursor });
    const page = await pageCtx(req, reply);
    const t = page.t;
    const locale = page.locale as Locale;
    const names = await placeNames(db, places, rows);
    const err = errorsFor(page, errors);
    const options = await placeOptions(db, places, staff);
    const last = rows.at(-1);
    const fq = filterQuery(q);
    return sendPage(
      reply,
      <Layout page={page} title={t('audit:title')}>
        <h1>{t('audit:title')}</h1>
        <form method="get" action="/quan-tri/nhat-ky" class="filters" novalidate>
          {errors.length > 0 && (
            <div class="errors" role="alert" tabindex={-1} autofocus>
              <p>{t('web:form.errorsTitle')}</p>
              <ul>
                {Object.entries(err).map(([field, message]) => (
                  <li key={field}>
                    <a href={`#f-${field}`}>{message}</a>
                  </li>
                ))}
              </ul>
            </div>
          )}
          <FilterField name="nguoi" label={t('audit:person')} value={q.nguoi} error={err.nguoi} />
          <p>
            <label for="f-viec">{t('audit:action')}</label>
            {err.viec && (
              <span class="error" id="f-viec-err">
                {err.viec}
              </span>
            )}
            <select id="f-viec" name="viec" aria-invalid={err.viec ? 'true' : undefined}>
              <option value="">{t('audit:anyAction')}</option>
              <optgroup label={t('audit:title')}>
                {Object.keys(ACTION_LABELS)
                  .map((a) => ({ a, label: actionLabel(a, locale) }))
                  .sort((x, y) => x.label.localeCompare(y.label, 'vi'))
                  .map(({ a, label }) => (
                    <option key={a} value={a} selected={q.viec === a}>
                      {label}
                    </option>
                  ))}
              </optgroup>
              <optgroup label={t('audit:dossierSteps')}>
                {Object.keys(DOSSIER_STEP_LABELS).map((s) => (
                  <option
                    key={s}
                    value={`${DOSSIER_PREFIX}${s}`}
                    selected={q.viec === `${DOSSIER_PREFIX}${s}`}
                  >
                    {actionLabel(`${DOSSIER_PREFIX}${s}`, locale)}
                  </option>
                ))}
              </optgroup>
            </select>
          </p>
          <FilterField
            name="tu"
            label={t('audit:tu')}
            hint={dateHint(locale)}
            value={q.tu && formatDate(q.tu)}
            error={err.tu}
          />
          <FilterField
            name="den"
            label={t('audit:den')}
            hint={dateHint(locale)}
            value={q.den && formatDate(q.den)}
            error={err.den}
          />
          <p>
            <label for="f-noi">{t('audit:place')}</label>
            {err.noi && (
              <span class="error" id="f-noi-err">
                {err.noi}
              </span>
            )}
            <select id="f-noi" name="noi" aria-invalid={err.noi ? 'true' : undefined}>
              <option value="">{t('audit:anyPlace')}</option>
              {options.map((p) => (
                <option key={p.code} value={p.code} selected={q.noi === p.code}>
                  {p.name}
                </option>
              ))}
              {q.noi && !options.some((p) => p.code === q.noi) && (
                <option value={q.noi} selected>
                  {q.noi}
                </option>
              )}
            </select>
          </p>
          <p>
            <button type="submit">{t('audit:filter')}</button>{' '}
            <a href="/quan-tri/nhat-ky">{t('audit:clear')}</a>
            {errors.length === 0 && (
              <>
                {' · '}
                <a href={`/quan-tri/nhat-ky.csv${fq ? `?${fq}` : ''}`}>{t('audit:csv')}</a>
              </>
            )}
          </p>
        </form>
        {rows.length === 0 && errors.length === 0 && <p>{t('audit:none')}</p>}
        {rows.length > 0 && (
          <table>
            <thead>
              <tr>
                <th>{t('audit:when')}</th>
                <th>{t('audit:who')}</th>
                <th>{t('audit:what')}</th>
                <th>{t('audit:target')}</th>
                <th>{t('audit:place')}</th>
                <th>{t('audit:from')}</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr key={`${r.source}${r.id}`}>
                  <td>{formatDateTime(r.at, { seconds: true })}</td>
                  <td>{who(r, t)}</td>
                  <td data-action={r.action}>{actionLabel(r.action, locale)}</td>
                  <td>
                    {r.source === 'dossier' && r.targetId ? (
                      <a href={`/quan-tri/ho-so/${encodeURIComponent(r.targetId)}`}>
                        {targetLabel(r, locale)}
                      </a>
                    ) : (
                      targetLabel(r, locale)
                    )}
                  </td>
                  <td>{r.placeId !== null ? (names.get(r.placeId) ?? '') : ''}</td>
                  <td>{r.ip}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        {last && rows.length >= 50 && (
          <p>
            {(cursor || q.before) && (
              <a href={`/quan-tri/nhat-ky${fq ? `?${fq}` : ''}`}>{t('audit:newest')}</a>
            )}{' '}
            <a
              href={`/quan-tri/nhat-ky?${fq ? `${fq}&` : ''}trang=${encodeURIComponent(encodeCursor(last))}`}
              rel="next"
            >
              {t('audit:older')}
            </a>
          </p>
        )}
      </Layout>,
      errors.length ? 400 : 200,
    );
  });

  app.get('/quan-tri/nhat-ky.csv', async (req, reply) => {
    const staff = requireStaff(req.actor);
    const db = req.ctx().db;
    const { filter, errors } = await readFilter(db, places, staff, req.query);
    if (errors.length) throw new Invalid(errors);
    const locale: Locale = req.locale === 'en' ? 'en' : 'vi';
    const lines: (string | number)[][] = [
      [
        'thoi_diem',
        'nguoi_lam',
        'tai_khoan',
        'viec',
        'ma_viec',
        'doi_tuong',
        'dia_ban',
        'duong_dan_dia_ban',
        'ip',
      ],
    ];
    let after: TrailRow | null = null;
    for (let n = 0; n < CSV_MAX_ROWS; ) {
      const batch: TrailRow[] = await listTrail(db, staff, { filter, after, limit: 1000 });
      const names = await placeNames(db, places, batch);
      for (const r of batch)
        lines.push([
          r.at.toISOString(),
          r.actorName ?? '',
          r.actorLabel,
          actionLabel(r.action, locale),
          r.action,
          targetLabel(r, locale),
          r.placeId !== null ? (names.get(r.placeId) ?? '') : '',
          r.placePath ?? '',
          r.ip ?? '',
        ]);
      n += batch.length;
      if (batch.length < 1000) break;
      after = batch.at(-1) ?? null;
    }
    return reply
      .header('content-type', 'text/csv; charset=utf-8')
      .header('content-disposition', 'attachment; filename="nhat-ky.csv"')
      .send(toCsv(lines));
  });

  app.get(
    '/api/v1/audit',
    {
      schema: {
        tags: ['audit'],
        summary: 'Audit entries at places inside the caller’s admin subtrees, newest first',
        security: [{ bearer: [] }],
        querystring: ApiQuery,
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
                actorName: z
                  .string()
                  .nullable()
                  .describe('The display name at the time (null before Dec 2026)'),
                actionLabel: Words.describe('The action in words'),
                targetLabel: Words.describe('The target in words ("hồ sơ 20.06541-…")'),
                placePath: z.string().nullable(),
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
          actorName: r.actorName,
          actionLabel: { vi: actionLabel(r.action, 'vi'), en: actionLabel(r.action, 'en') },
          targetLabel: { vi: targetLabel(r, 'vi'), en: targetLabel(r, 'en') },
          placePath: r.placePath,
        })),
      };
    },
  );
}

function FilterField(p: {
  name: string;
  label: string;
  value?: string | undefined;
  error?: string | undefined;
  hint?: string;
}) {
  const id = `f-${p.name}`;
  const described = [p.hint && `${id}-hint`, p.error && `${id}-err`].filter(Boolean).join(' ') || undefined;
  return (
    <p>
      <label for={id}>{p.label}</label>
      {p.hint && (
        <span class="hint" id={`${id}-hint`}>
          {p.hint}
        </span>
      )}
      {p.error && (
        <span class="error" id={`${id}-err`}>
          {p.error}
        </span>
      )}
      <input
        id={id}
        name={p.name}
        type="text"
        value={p.value ?? ''}
        aria-invalid={p.error ? 'true' : undefined}
        aria-describedby={described}
      />
    </p>
  );
}

/** The admin's places and the places right under them, for the place filter. */
async function placeOptions(db: Db, places: AuditPlaces, staff: Actor) {
  if (staff.kind !== 'staff') return [];
  const roots = staff.grants.filter((g) => g.role === 'admin');
  const out: { code: string; name: string }[] = [];
  for (const g of roots) {
    const children = await places.listChildren(db, g.placeId);
    const self = (await places.findPlacesByIds(db, [g.placeId]))[0];
    if (self) out.push({ code: self.code, name: self.name });
    for (const c of children) out.push({ code: c.code, name: `— ${c.name}` });
  }
  return out;
}

/** UTF-8 with a BOM (spreadsheet programs then read the Vietnamese right); cells that a spreadsheet would run as a formula are quoted with a leading apostrophe. */
function toCsv(lines: (string | number)[][]) {
  const cell = (v: string | number) => {
    let s = String(v);
    if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
    return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
  };
  return `\uFEFF${lines.map((l) => l.map(cell).join(',')).join('\r\n')}\r\n`;
}
