import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { findPlaceById, findPlacesByIds, getPlaceByCode } from '#modules/places/index.ts';
import { hasRole, requireStaff } from '#platform/auth/actor.ts';
import { toCsv } from '#platform/csv.ts';
import { Forbidden, Invalid } from '#platform/errors.ts';
import { ActionForm, errorsFor, Field, Form, Notice, TextArea } from '#web/form.tsx';
import { type FormState, handleForm } from '#web/form-action.ts';
import { Layout, type PageCtx } from '#web/layout.tsx';
import { pageCtx, sendPage } from '#web/render.tsx';
import { readTextUpload, uploadProblems } from '#web/text-upload.ts';
import { checklistFor, saveChecklist } from './checklist.service.ts';
import { REVIEW_ROLES } from './fieldkit.access.ts';
import { type ChecklistItem, CORE_ITEMS, ITEM_TYPES } from './fieldkit.schemas.ts';
import { listHouseholdsOf } from './households.service.ts';
import {
  addMember,
  HOUSEHOLD_CSV_TEMPLATE,
  importHouseholds,
  listTeams,
  NewMember,
  teamOf,
} from './teams.service.ts';
import { householdUrl, nameOf, shortDate } from './views/kit-views.tsx';

export const ADMIN = '/quan-tri/to-cong-nghe';
const IMPORT_MAX_BYTES = 400_000;
const Id = z.object({ id: z.coerce.number().int().positive() });

function staffOnly(req: FastifyRequest, reply: FastifyReply) {
  if (req.actor.kind === 'staff') return true;
  reply.redirect(`/dang-nhap?next=${encodeURIComponent(req.url)}`, 303);
  return false;
}

/** The commune an admin works on: asked for by code, or the place of their first admin grant. */
async function communeCodeOf(req: FastifyRequest) {
  const asked = (req.query as { xa?: string }).xa;
  if (asked) return asked.trim();
  const grant = requireStaff(req.actor).grants.find((g) => g.role === 'admin');
  const place = grant && (await findPlaceById(req.ctx().db, grant.placeId));
  if (!place) throw new Forbidden();
  return place.code;
}

export function registerFieldkitAdmin(app: FastifyInstance) {
  // Teams of a commune
  app.get(ADMIN, async (req, reply) => {
    if (!staffOnly(req, reply)) return reply;
    const staff = requireStaff(req.actor);
    if (!(req.query as { xa?: string }).xa && !staff.grants.some((g) => g.role === 'admin')) {
      // A team leader goes to their team, a leader of the commune to the figures.
      const leader = staff.grants.find((g) => g.role === 'community_digital_leader');
      if (leader) return reply.redirect(`${ADMIN}/thon/${leader.placeId}`, 303);
      if (staff.grants.some((g) => g.role === 'approver')) return reply.redirect(`${ADMIN}/thong-ke`, 303);
    }
    const page = await pageCtx(req, reply);
    const t = page.t;
    const code = await communeCodeOf(req);
    const { commune, teams } = await listTeams(req.ctx(), code);
    return sendPage(
      reply,
      <Layout page={page} title={t('fieldkit:admin.title')}>
        <h1>
          {t('fieldkit:admin.title')} · {commune.fullName}
        </h1>
        <form method="get" action={ADMIN}>
          <Field name="xa" label={t('fieldkit:admin.commune')} value={commune.code} />
          <button type="submit" class="secondary">
            {t('fieldkit:admin.open')}
          </button>
        </form>
        <p>
          <a href={`${ADMIN}/thong-ke?noi=${commune.code}`}>{t('fieldkit:dash.title')}</a> ·{' '}
          <a href={`${ADMIN}/bang-kiem`}>{t('fieldkit:admin.checklist')}</a>
        </p>
        {teams.length === 0 ? (
          <p>
            {t('fieldkit:admin.noHamlets')}{' '}
            <a href={`/dia-ban/ma/${commune.id}`}>{t('fieldkit:admin.addHamlets')}</a>
          </p>
        ) : (
          <table>
            <thead>
              <tr>
                <th>{t('fieldkit:list.hamlet')}</th>
                <th>{t('fieldkit:admin.leaders')}</th>
                <th>{t('fieldkit:admin.members')}</th>
                <th>{t('fieldkit:admin.households')}</th>
                <th>{t('fieldkit:admin.conflicts')}</th>
              </tr>
            </thead>
            <tbody>
              {teams.map((team) => (
                <tr key={team.hamlet.id}>
                  <td>
                    <a href={`${ADMIN}/thon/${team.hamlet.id}`}>{team.hamlet.fullName}</a>
                  </td>
                  <td>{team.leaders.map((l) => l.displayName).join(', ') || '—'}</td>
                  <td>{team.members.length}</td>
                  <td>{team.households}</td>
                  <td>{team.openConflicts}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Layout>,
    );
  });

  // One hamlet's team: members, register import, households
  type Which = 'member' | 'import';
  const teamPage = async (
    req: FastifyRequest,
    reply: FastifyReply,
    state: FormState,
    status = 200,
    which: Which = 'member',
  ) => {
    const { id } = Id.parse(req.params);
    const ctx = req.ctx();
    const team = await teamOf(ctx, id);
    const page = await pageCtx(req, reply);
    const t = page.t;
    const form = (w: Which): FormState => (w === which ? state : { values: {}, errors: {} });
    const m = form('member');
    const imp = form('import');
    const query = req.query as { q?: string; added?: string; present?: string; member?: string };
    const households = await listHouseholdsOf(ctx, team.hamlet, { q: query.q });
    const isAdmin = hasRole(req.actor, 'admin', team.hamlet.path);
    return sendPage(
      reply,
      <Layout page={page} title={team.hamlet.fullName}>
        <p class="muted">
          <a href={ADMIN}>{t('fieldkit:admin.title')}</a>
        </p>
        <h1>{team.hamlet.fullName}</h1>
        {query.added !== undefined && (
          <Notice
            text={t('fieldkit:admin.imported', { added: query.added, present: query.present ?? '0' })}
          />
        )}
        {query.member && <Notice text={t('fieldkit:admin.memberAdded', { name: query.member })} />}
        <h2>{t('fieldkit:admin.team')}</h2>
        <ul>
          {team.leaders.map((l) => (
            <li key={`l${l.userId}`}>
              {l.displayName} <span class="tag">{t('identity:roles.community_digital_leader')}</span>
            </li>
          ))}
          {team.members.map((l) => (
            <li key={`m${l.userId}`}>{l.displayName}</li>
          ))}
        </ul>
        {isAdmin && (
          <>
            <h2>{t('fieldkit:admin.addMember')}</h2>
            {m.message && <p class="errors">{m.message}</p>}
            <Form page={page} action={`${ADMIN}/thon/${team.hamlet.id}/thanh-vien`} errors={m.errors}>
              <Field
                name="displayName"
                label={t('fieldkit:admin.displayName')}
                value={m.values.displayName}
                error={m.errors.displayName}
                required
              />
              <Field
                name="username"
                label={t('fieldkit:admin.username')}
                value={m.values.username}
                error={m.errors.username}
                required
                autocomplete="off"
              />
              <Field
                name="phone"
                type="tel"
                label={t('fieldkit:household.phones')}
                value={m.values.phone}
                error={m.errors.phone}
              />
              <Field
                name="password"
                type="password"
                label={t('fieldkit:admin.password')}
                error={m.errors.password}
                required
                autocomplete="new-password"
              />
              <div class="field">
                <label>
                  <input type="checkbox" name="leader" class="fk-check" checked={m.values.leader === 'on'} />{' '}
                  {t('identity:roles.community_digital_leader')}
                </label>
              </div>
              <button type="submit">{t('fieldkit:admin.addMember')}</button>
            </Form>
          </>
        )}
        <h2>{t('fieldkit:admin.import')}</h2>
        <p>
          {t('fieldkit:admin.importLead')} <a href={`${ADMIN}/ho-mau.csv`}>{t('fieldkit:admin.template')}</a>
        </p>
        {imp.message && <p class="errors">{imp.message}</p>}
        <Form
          page={page}
          action={`${ADMIN}/thon/${team.hamlet.id}/nhap`}
          errors={imp.errors}
          enctype="multipart/form-data"
        >
          <div class={imp.errors.csv ? 'field invalid' : 'field'}>
            <label for="f-csv-file">{t('fieldkit:admin.file')}</label>
            <input id="f-csv-file" name="csv" type="file" accept=".csv,text/csv" />
          </div>
          <TextArea
            name="csv"
            id="f-csv"
            label={t('fieldkit:admin.paste')}
            value={imp.values.csv}
            error={imp.errors.csv}
            rows={4}
          />
          <button type="submit">{t('fieldkit:admin.importButton')}</button>
        </Form>
        <h2>{t('fieldkit:list.count', { count: team.households })}</h2>
        <form method="get" action={`${ADMIN}/thon/${team.hamlet.id}`}>
          <Field name="q" type="search" label={t('fieldkit:list.search')} value={query.q} />
          <button type="submit" class="secondary">
            {t('fieldkit:list.searchButton')}
          </button>
        </form>
        <table>
          <tbody>
            {households.map((h) => (
              <tr key={h.id}>
                <td>
                  <a href={householdUrl(h.id)}>{nameOf(h, page)}</a>
                  {h.needsReview && <span class="tag"> {t('fieldkit:list.review')}</span>}
                </td>
                <td>{h.address}</td>
                <td>{h.members}</td>
                <td>{h.lastVisit ? shortDate(h.lastVisit.at) : t('fieldkit:list.never')}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </Layout>,
      status,
    );
  };
  app.get(`${ADMIN}/thon/:id`, async (req, reply) => {
    if (!staffOnly(req, reply)) return reply;
    return teamPage(req, reply, { values: {}, errors: {} });
  });
  app.post(`${ADMIN}/thon/:id/thanh-vien`, (req, reply) =>
    handleForm(
      req,
      reply,
      NewMember,
      async (input) => {
        const { id } = Id.parse(req.params);
        await addMember(req.ctx(), id, input);
        return `${ADMIN}/thon/${id}?member=${encodeURIComponent(input.displayName)}`;
      },
      (state, status) => teamPage(req, reply, state, status, 'member'),
    ),
  );
  app.get(`${ADMIN}/ho-mau.csv`, async (_req, reply) =>
    reply
      .header('content-type', 'text/csv; charset=utf-8')
      .header('content-disposition', 'attachment; filename="ho-gia-dinh-mau.csv"')
      .send(toCsv(HOUSEHOLD_CSV_TEMPLATE)),
  );
  app.post(
    `${ADMIN}/thon/:id/nhap`,
    {
      bodyLimit: IMPORT_MAX_BYTES + 64 * 1024,
      preValidation: readTextUpload({
        field: 'csv',
        maxBytes: IMPORT_MAX_BYTES,
        allowed: (req) =>
          req.actor.kind === 'staff' && req.actor.grants.some((g) => REVIEW_ROLES.includes(g.role)),
      }),
    },
    async (req, reply) => {
      const render = (state: FormState, status: number) => teamPage(req, reply, state, status, 'import');
      const problems = uploadProblems(req);
      if (problems.length)
        return render({ values: {}, errors: errorsFor(await pageCtx(req, reply), problems) }, 400);
      return handleForm(
        req,
        reply,
        z.object({ csv: z.string().trim().min(1).max(IMPORT_MAX_BYTES) }),
        async (input) => {
          const { id } = Id.parse(req.params);
          const r = await importHouseholds(req.ctx(), id, input.csv);
          return `${ADMIN}/thon/${id}?added=${r.added}&present=${r.present}`;
        },
        render,
      );
    },
  );

  // The province's visit checklist
  const checklistPage = async (
    req: FastifyRequest,
    reply: FastifyReply,
    state: FormState & { items?: ChecklistItem[] },
    status = 200,
  ) => {
    const staff = requireStaff(req.actor);
    const page = await pageCtx(req, reply);
    const t = page.t;
    const code =
      (req.query as { tinh?: string }).tinh ??
      (await provinceCodeOf(req, staff.grants.find((g) => g.role === 'admin')?.placeId));
    const province = await getPlaceByCode(req.ctx().db, code);
    const current = await checklistFor(req.ctx().db, province.id);
    const canEdit = province.level === 'province' && hasRole(req.actor, 'admin', province.path);
    const items = state.items ?? current.items;
    return sendPage(
      reply,
      <Layout page={page} title={t('fieldkit:admin.checklist')}>
        <p class="muted">
          <a href={ADMIN}>{t('fieldkit:admin.title')}</a>
        </p>
        <h1>
          {t('fieldkit:admin.checklist')} · {province.fullName}
        </h1>
        <p class="muted">
          {t('fieldkit:admin.version', { id: current.id, date: shortDate(current.createdAt.toISOString()) })}
        </p>
        {(req.query as { saved?: string }).saved && <Notice text={t('fieldkit:admin.saved')} />}
        {state.message && <p class="errors">{state.message}</p>}
        {canEdit ? (
          <ChecklistEditor
            page={page}
            items={items}
            errors={state.errors}
            action={`${ADMIN}/bang-kiem?tinh=${province.code}`}
          />
        ) : (
          <ol>
            {items.map((i) => (
              <li key={i.id}>{i.label.vi}</li>
            ))}
          </ol>
        )}
      </Layout>,
      status,
    );
  };
  app.get(`${ADMIN}/bang-kiem`, async (req, reply) => {
    if (!staffOnly(req, reply)) return reply;
    return checklistPage(req, reply, { values: {}, errors: {} });
  });
  app.post(`${ADMIN}/bang-kiem`, async (req, reply) => {
    if (!staffOnly(req, reply)) return reply;
    const code = z.object({ tinh: z.string().max(10) }).parse(req.query).tinh;
    const items = checklistFromForm((req.body ?? {}) as Record<string, string | string[] | undefined>);
    try {
      await saveChecklist(req.ctx(), code, items);
    } catch (e) {
      if (!(e instanceof Invalid)) throw e;
      const page = await pageCtx(req, reply);
      return checklistPage(req, reply, { values: {}, errors: errorsFor(page, e.fields), items }, 400);
    }
    return reply.redirect(`${ADMIN}/bang-kiem?tinh=${code}&saved=1`, 303);
  });
}

async function provinceCodeOf(req: FastifyRequest, placeId: number | undefined) {
  const place = placeId === undefined ? undefined : await findPlaceById(req.ctx().db, placeId);
  if (!place) throw new Forbidden();
  const ids = place.path.split('/').filter(Boolean).map(Number);
  return (await findPlacesByIds(req.ctx().db, ids)).find((p) => p.level === 'province')?.code ?? place.code;
}

/** The editor's form as checklist items: `i<n>_vi`, `i<n>_en`, `i<n>_options` ("value | vi | en" lines), `i<n>_remove`. */
export function checklistFromForm(body: Record<string, string | string[] | undefined>): ChecklistItem[] {
  const one = (k: string) => {
    const v = body[k];
    return (Array.isArray(v) ? v[0] : v)?.trim() ?? '';
  };
  const items: ChecklistItem[] = [];
  for (let n = 0; n < 40; n++) {
    const id = one(`i${n}_id`);
    if (!id) continue;
    if (one(`i${n}_remove`) === 'on') continue;
    const type = one(`i${n}_type`) as ChecklistItem['type'];
    const options = one(`i${n}_options`)
      .split('\n')
      .map((line) => line.split('|').map((s) => s.trim()))
      .filter(([value]) => value)
      .map(([value = '', vi = '', en = '']) => ({
        value,
        label: { vi: vi || value, ...(en ? { en } : {}) },
      }));
    const en = one(`i${n}_en`);
    items.push({
      id,
      type,
      label: { vi: one(`i${n}_vi`), ...(en ? { en } : {}) },
      ...(type === 'choices' ? { options } : {}),
    });
  }
  return items;
}

function ChecklistEditor({
  page,
  items,
  errors,
  action,
}: {
  page: PageCtx;
  items: ChecklistItem[];
  errors: Record<string, string>;
  action: string;
}) {
  const t = page.t;
  const rows = [...items, { id: '', type: 'yesno' as const, label: { vi: '' } }];
  return (
    <ActionForm page={page} action={action} label={t('fieldkit:admin.saveChecklist')} errors={errors}>
      {rows.map((item, n) => {
        const core = item.id in CORE_ITEMS;
        const fresh = item.id === '';
        return (
          <fieldset key={`${item.id}-${n}`} class="cards">
            <legend>{fresh ? t('fieldkit:admin.newItem') : `${n + 1}. ${item.id}`}</legend>
            {fresh ? (
              <>
                <Field
                  name={`i${n}_id`}
                  label={t('fieldkit:admin.itemId')}
                  hint={t('fieldkit:admin.itemIdHint')}
                />
                <div class="field">
                  <label for={`f-i${n}_type`}>{t('fieldkit:admin.itemType')}</label>
                  <select id={`f-i${n}_type`} name={`i${n}_type`}>
                    {ITEM_TYPES.map((x) => (
                      <option key={x} value={x}>
                        {t(`fieldkit:admin.types.${x}`)}
                      </option>
                    ))}
                  </select>
                </div>
              </>
            ) : (
              <>
                <input type="hidden" name={`i${n}_id`} value={item.id} />
                <input type="hidden" name={`i${n}_type`} value={item.type} />
                <p class="muted">{t(`fieldkit:admin.types.${item.type}`)}</p>
              </>
            )}
            {errors[item.id] && <p class="err">{errors[item.id]}</p>}
            <Field name={`i${n}_vi`} label={t('fieldkit:admin.labelVi')} value={item.label.vi} />
            <Field name={`i${n}_en`} label={t('fieldkit:admin.labelEn')} value={item.label.en} />
            {(item.type === 'choices' || fresh) && (
              <TextArea
                name={`i${n}_options`}
                label={t('fieldkit:admin.options')}
                hint={t('fieldkit:admin.optionsHint')}
                value={(item.options ?? [])
                  .map((o) => [o.value, o.label.vi, o.label.en ?? ''].join(' | '))
                  .join('\n')}
              />
            )}
            {!core && !fresh && (
              <label>
                <input type="checkbox" name={`i${n}_remove`} class="fk-check" /> {t('fieldkit:admin.remove')}
              </label>
            )}
          </fieldset>
        );
      })}
    </ActionForm>
  );
}
