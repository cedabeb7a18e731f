/**
 * The offline kit in the browser (decision 025). On a kit page with JavaScript: register the
 * service worker, keep the hamlet's copy in IndexedDB, render the kit's pages from it (the same
 * views the server renders), queue every change in the outbox, send it when there is signal, and
 * say at all times how many changes wait.
 */
import { type JSX, render } from 'preact';
import { registerServiceWorker, requestPersistence, type Updates } from '#web/client/app-shell.ts';
import type { PageCtx } from '#web/layout.tsx';
import type { CommandResult, PullResponse } from '../fieldkit.schemas.ts';
import {
  assistCommand,
  type Command,
  type Consent,
  type FormBody,
  householdCommand,
  householdValues,
  uuid,
  visitAnswers,
  visitCommand,
} from '../kit-forms.ts';
import { AssistFormView, ProcedureChoice } from '../views/assist-views.tsx';
import {
  emptyForm,
  type FormValues,
  HouseholdDetail,
  HouseholdFormView,
  HouseholdList,
  type HouseholdView,
  householdUrl,
  KIT,
  nameOf,
  VisitFormView,
} from '../views/kit-views.tsx';
import { checkHousehold, checkVisit } from './checks.ts';
import { localeOfPage, makeT } from './i18n.ts';
import { overlay, searchKey } from './overlay.ts';
import { CONSENT_PHOTO, DOCUMENT_PHOTO, type Shrunk, shrinkPhoto } from './photos.ts';
import {
  applyPull,
  type BlobEntry,
  blobById,
  countTry,
  enqueue,
  erase,
  getMeta,
  householdById,
  householdsOf,
  type KitDb,
  nextBatch,
  openKit,
  outboxOf,
  pendingCount,
  pendingEverywhere,
  refusedList,
  setMeta,
  settle,
  uploadIdsOf,
} from './store.ts';

interface Config {
  swUrl: string;
  scope: string;
  syncUrl: string;
  appVersion: string;
  user: { id: number; name: string; canReview: boolean } | null;
}
interface Session {
  userId: number;
  name: string;
  canReview: boolean;
  csrf?: string;
}

const SESSION_KEY = 'xaso-fk-session';
const PUSH_BATCH = 50;
const cfg: Config = JSON.parse(document.getElementById('fk-config')?.textContent ?? '{}');
const locale = localeOfPage();
const t = makeT(locale);
// The kit's pages are drawn here, after the shell and its stylesheet are cached: nothing inline.
const page: PageCtx = {
  t,
  locale,
  actor: { kind: 'anonymous' },
  csrf: '',
  url: location.pathname,
  inlineCss: false,
};

let db: KitDb;
let session: Session;
let csrf: string | undefined;
let updates: Updates | undefined;
let persisted: boolean | undefined;
let syncing = false;
let problem: 'offline' | 'signin' | 'other' | undefined;
let alertText: string | undefined;
let clientMode = false;
let flash: string | undefined;
/** The photos of the filing form on screen, shrunk as soon as they are taken. */
const photos = new Map<string, Shrunk & { name: string }>();
let otpSentTo: string | undefined;
let consentToken: string | undefined;

const statusEl = document.getElementById('fk-status');
const viewEl = document.getElementById('fk-view');

// ---------------------------------------------------------------------------------------------
// Session: who this phone works for

async function fetchSession(): Promise<Session | undefined> {
  try {
    const r = await fetch(`${cfg.syncUrl}phien`, { cache: 'no-store', credentials: 'same-origin' });
    if (r.status === 200) {
      const s = (await r.json()) as Session;
      csrf = s.csrf;
      localStorage.setItem(
        SESSION_KEY,
        JSON.stringify({ userId: s.userId, name: s.name, canReview: s.canReview }),
      );
      problem = undefined;
      return s;
    }
    problem = r.status === 401 ? 'signin' : 'other';
  } catch {
    problem = 'offline';
  }
  return undefined;
}

/** Who used the kit last on this phone (or the page's signed-in person): the kit opens without waiting for the network. */
function knownSession(): Session | undefined {
  const cached = localStorage.getItem(SESSION_KEY);
  if (cached) return JSON.parse(cached) as Session;
  return cfg.user ? { userId: cfg.user.id, name: cfg.user.name, canReview: cfg.user.canReview } : undefined;
}

// ---------------------------------------------------------------------------------------------
// Sync

class HttpError extends Error {
  constructor(readonly status: number) {
    super(`HTTP ${status}`);
  }
}

async function send(commands: Command[], clientId: string, retry = true): Promise<CommandResult[]> {
  if (!csrf) await fetchSession();
  const r = await fetch(`${cfg.syncUrl}gui`, {
    method: 'POST',
    credentials: 'same-origin',
    headers: { 'content-type': 'application/json', 'x-csrf-token': csrf ?? '' },
    body: JSON.stringify({ clientId, appVersion: cfg.appVersion, commands }),
  });
  if (r.status === 403 && retry) {
    // A stale CSRF token (a new browser session): fetch a fresh one once.
    csrf = undefined;
    return send(commands, clientId, false);
  }
  if (!r.ok) throw new HttpError(r.status);
  return ((await r.json()) as { results: CommandResult[] }).results;
}

/** A photo goes in pieces of 32 KB: a cut link loses at most one piece. */
const PIECE = 32 * 1024;
/** Photos whose sending began in this page (a later attempt asks the server where to resume). */
const started = new Set<string>();

/**
 * Send a photo from where the server has it: the first piece is sent at once (a server that
 * already has more answers 409 with what it has, and the kit goes on from there).
 */
async function uploadBlob(id: string) {
  const entry = await blobById(db, id);
  if (!entry) return; // sent and settled already
  const total = entry.blob.size;
  let received = 0;
  let complete = false;
  if (started.has(id)) {
    // Sending it was cut: ask how much arrived, and send only the rest.
    const state = await fetch(`${cfg.syncUrl}tep/${id}`, { cache: 'no-store', credentials: 'same-origin' });
    if (!state.ok) throw new HttpError(state.status);
    ({ received, complete } = (await state.json()) as { received: number; complete: boolean });
  }
  started.add(id);
  while (!complete) {
    if (!csrf) await fetchSession();
    const qs = new URLSearchParams({ offset: String(received), total: String(total), name: entry.name });
    const r = await fetch(`${cfg.syncUrl}tep/${id}?${qs}`, {
      method: 'PUT',
      credentials: 'same-origin',
      headers: { 'content-type': 'application/octet-stream', 'x-csrf-token': csrf ?? '' },
      body: entry.blob.slice(received, received + PIECE),
    });
    if (r.status === 409) {
      received = ((await r.json()) as { received: number }).received;
      continue;
    }
    if (!r.ok) throw new HttpError(r.status);
    ({ received, complete } = (await r.json()) as { received: number; complete: boolean });
  }
}

/**
 * Every photo the outbox names, two at a time, in the outbox's order, while the commands before
 * them are sent: on a slow link the round trips overlap instead of adding up.
 */
function uploadAll(ids: string[]) {
  const done = new Map<string, Promise<void>>();
  let chain: Promise<void>[] = [Promise.resolve(), Promise.resolve()];
  ids.forEach((id, i) => {
    const lane = i % 2;
    const p = (chain[lane] as Promise<void>).then(() => uploadBlob(id));
    chain[lane] = p.catch(() => {});
    p.catch(() => {}); // awaited below, by the batch that needs it
    done.set(id, p);
  });
  chain = [];
  return done;
}

async function pushAll() {
  const clientId = await ensureClientId();
  const uploads = uploadAll((await outboxOf(db)).flatMap((e) => uploadIdsOf(e.command)));
  for (;;) {
    const batch = await nextBatch(db, PUSH_BATCH);
    if (batch.length === 0) return;
    for (const e of batch) {
      for (const id of uploadIdsOf(e.command)) await (uploads.get(id) ?? uploadBlob(id));
    }
    let results: CommandResult[];
    try {
      results = await send(
        batch.map((e) => e.command),
        clientId,
      );
    } catch (e) {
      await countTry(db, batch);
      throw e;
    }
    await settle(db, batch, results);
    await paint();
  }
}

async function pullAll() {
  for (;;) {
    const cursor = await getMeta(db, 'cursor');
    const checklist = await getMeta(db, 'checklist');
    const qs = new URLSearchParams();
    if (cursor) qs.set('since', cursor);
    if (checklist) qs.set('checklist', String(checklist.id));
    const r = await fetch(`${cfg.syncUrl}keo?${qs}`, { cache: 'no-store', credentials: 'same-origin' });
    if (!r.ok) throw new HttpError(r.status);
    const pageData = (await r.json()) as PullResponse;
    await applyPull(db, pageData);
    if (!pageData.more) {
      const catalogue = await getMeta(db, 'catalogue');
      if (catalogue?.version !== pageData.catalogue) {
        const c = await fetch(`${cfg.syncUrl}thu-tuc`, { cache: 'no-store', credentials: 'same-origin' });
        if (!c.ok) throw new HttpError(c.status);
        await setMeta(db, 'catalogue', await c.json());
      }
      break;
    }
  }
  await setMeta(db, 'lastPullAt', new Date().toISOString());
}

async function sync() {
  if (syncing || !db) return;
  syncing = true;
  await paint();
  try {
    await pushAll();
    await pullAll();
    problem = undefined;
    if ((await pendingCount(db)) === 0) await updates?.tryActivate();
    else void updates?.check();
  } catch (e) {
    problem = e instanceof HttpError ? (e.status === 401 ? 'signin' : 'other') : 'offline';
  } finally {
    syncing = false;
    await paint();
  }
}

async function ensureClientId() {
  let id = await getMeta(db, 'clientId');
  if (!id) {
    id = uuid();
    await setMeta(db, 'clientId', id);
  }
  return id;
}

// ---------------------------------------------------------------------------------------------
// The status line

async function Status() {
  const pending = await pendingCount(db);
  const refused = await refusedList(db);
  const lastPullAt = await getMeta(db, 'lastPullAt');
  const notSynced = (await getMeta(db, 'notSynced')) ?? [];
  const filed = (await getMeta(db, 'filed')) ?? [];
  return (
    <>
      {alertText && (
        <p class="errors" role="alert">
          {alertText}
        </p>
      )}
      <p class="fk-queue">
        <strong id="fk-pending-text">
          {pending ? t('fieldkit:status.pending', { count: pending }) : t('fieldkit:status.allSent')}
        </strong>{' '}
        <button type="button" data-kit="send" disabled={syncing}>
          {syncing ? t('fieldkit:status.sending') : t('fieldkit:status.sendNow')}
        </button>
      </p>
      {problem === 'offline' && <p>{t('fieldkit:status.offline')}</p>}
      {problem === 'signin' && (
        <p>
          <a href={`/dang-nhap?next=${encodeURIComponent(KIT)}`}>{t('fieldkit:status.signIn')}</a>
        </p>
      )}
      <p class="muted" id="fk-synced">
        {lastPullAt
          ? t('fieldkit:status.upToDate', {
              time: new Date(lastPullAt).toLocaleTimeString(locale === 'en' ? 'en-GB' : 'vi-VN'),
            })
          : syncing
            ? t('fieldkit:status.pulling')
            : t('fieldkit:status.neverSynced')}
      </p>
      <p class="muted" id="fk-persisted">
        {persisted ? t('fieldkit:status.persisted') : t('fieldkit:status.notPersisted')}
      </p>
      {updates?.waiting && (
        <p id="fk-update">{pending ? t('fieldkit:status.update') : t('fieldkit:status.updating')}</p>
      )}
      {notSynced.length > 0 && (
        <p>{t('fieldkit:status.notSynced', { names: notSynced.map((h) => h.name).join(', ') })}</p>
      )}
      {filed.length > 0 && (
        <details id="fk-filed">
          <summary>{t('fieldkit:assist.filedList')}</summary>
          <ul>
            {filed.map((f) => (
              <li key={f.id}>
                <strong>{f.code}</strong> · {f.name}
              </li>
            ))}
          </ul>
        </details>
      )}
      {refused.length > 0 && (
        <details id="fk-refused">
          <summary>{t('fieldkit:status.refused', { count: refused.length })}</summary>
          <ul>
            {refused.map((r) => (
              <li key={r.id}>
                <a href={householdUrl(r.householdId)}>{r.command.type}</a>: {r.result.message?.[locale]}
                {r.result.errors?.map((e) => ` ${e.field}: ${e[locale]}`).join(';')}
              </li>
            ))}
          </ul>
        </details>
      )}
      <p>
        <button type="button" class="link" data-kit="clear">
          {t('fieldkit:status.clear')}
        </button>
      </p>
    </>
  );
}

async function paint() {
  if (!statusEl || !db) return;
  render(await Status(), statusEl);
}

// ---------------------------------------------------------------------------------------------
// Pages rendered from the local copy

type Route =
  | { name: 'list'; hamletId: number | undefined; q: string }
  | { name: 'new'; hamletId: number | undefined }
  | { name: 'household' | 'edit' | 'visit' | 'choose'; id: string }
  | { name: 'assist'; id: string; code: string };

const UUID = '([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})';

function match(url: URL): Route | undefined {
  const p = url.pathname;
  const hamlet = Number(url.searchParams.get('thon')) || undefined;
  if (p === KIT || p === `${KIT}ung-dung`)
    return { name: 'list', hamletId: hamlet, q: url.searchParams.get('q') ?? '' };
  if (p === `${KIT}ho/moi`) return { name: 'new', hamletId: hamlet };
  const a = new RegExp(`^${KIT}ho/${UUID}/ho-so(?:/([0-9A-Z.]+))?$`).exec(p);
  if (a?.[1]) return a[2] ? { name: 'assist', id: a[1], code: a[2] } : { name: 'choose', id: a[1] };
  const m = new RegExp(`^${KIT}ho/${UUID}(/sua|/tham)?$`).exec(p);
  if (!m?.[1]) return undefined;
  return { name: m[2] === '/sua' ? 'edit' : m[2] === '/tham' ? 'visit' : 'household', id: m[1] };
}

async function viewOf(id: string): Promise<HouseholdView | undefined> {
  return overlay(await householdById(db, id), await outboxOf(db, id), session.name);
}

/** Every household of a hamlet as the member sees it, their unsent new ones included. */
async function listOf(hamletId: number): Promise<HouseholdView[]> {
  const [server, entries] = await Promise.all([householdsOf(db, hamletId), outboxOf(db)]);
  const byHousehold = new Map<string, typeof entries>();
  for (const e of entries) byHousehold.set(e.householdId, [...(byHousehold.get(e.householdId) ?? []), e]);
  const out: HouseholdView[] = [];
  for (const h of server) {
    const v = overlay(h, byHousehold.get(h.id) ?? [], session.name);
    byHousehold.delete(h.id);
    if (v && !v.deleted) out.push(v);
  }
  for (const [, list] of byHousehold) {
    const v = overlay(undefined, list, session.name);
    if (v && !v.deleted && v.hamletId === hamletId) out.push(v);
  }
  return out;
}

const collator = new Intl.Collator('vi', { numeric: true });

async function route(state: FormValues = emptyForm()) {
  if (!viewEl) return;
  const r = match(new URL(location.href));
  if (!r) return;
  const hamlets = (await getMeta(db, 'hamlets')) ?? [];
  const checklist = await getMeta(db, 'checklist');
  const notice = flash;
  flash = undefined;
  let view: JSX.Element | undefined;
  if (r.name === 'list' || r.name === 'new') {
    const hamlet = hamlets.find((h) => h.id === r.hamletId) ?? hamlets[0];
    if (!hamlet) return;
    if (r.name === 'new') {
      view = (
        <HouseholdFormView
          page={page}
          action={`${KIT}ho/moi`}
          state={state}
          hamletId={hamlet.id}
          commandId={uuid()}
        />
      );
    } else {
      const key = searchKey(r.q.trim());
      const all = (await listOf(hamlet.id))
        .filter((h) => !key || searchKey(`${h.headName ?? ''} ${h.address}`).includes(key))
        .sort((a, b) => collator.compare(a.headName ?? a.address, b.headName ?? b.address));
      view = (
        <HouseholdList
          page={page}
          hamlets={hamlets}
          hamletId={hamlet.id}
          households={all}
          q={r.q}
          canReview={session.canReview}
        />
      );
    }
    document.title = t('fieldkit:home');
  } else {
    const h = await viewOf(r.id);
    if (!h) {
      // Not in the local copy (another hamlet, or not synced yet): the server answers.
      if (clientMode) location.assign(location.href);
      return;
    }
    const hamlet = hamlets.find((x) => x.id === h.hamletId);
    if (r.name === 'household') {
      view = (
        <HouseholdDetail
          page={page}
          household={h}
          hamlet={hamlet}
          notice={notice}
          canDelete={session.canReview}
        />
      );
    } else if (r.name === 'edit') {
      view = (
        <HouseholdFormView
          page={page}
          action={`${householdUrl(h.id)}/sua`}
          state={state}
          hamletId={h.hamletId}
          household={h}
          commandId={uuid()}
        />
      );
    } else if (r.name === 'choose' || r.name === 'assist') {
      const catalogue = await getMeta(db, 'catalogue');
      const procedure =
        r.name === 'assist' ? catalogue?.procedures.find((p) => p.code === r.code) : undefined;
      if (!catalogue) view = <p>{t('fieldkit:assist.noCatalogue')}</p>;
      else if (!procedure)
        view = <ProcedureChoice page={page} household={h} procedures={catalogue.procedures} />;
      else {
        view = (
          <AssistFormView
            page={page}
            action={`${householdUrl(h.id)}/ho-so/${procedure.code}`}
            household={h}
            procedure={procedure}
            state={state}
            commandId={uuid()}
            otpSentTo={otpSentTo}
          />
        );
      }
    } else if (checklist) {
      view = (
        <VisitFormView
          page={page}
          action={`${householdUrl(h.id)}/tham`}
          household={h}
          items={checklist.items}
          checklistId={checklist.id}
          startedAt={(state.values.startedAt as string | undefined) ?? new Date().toISOString()}
          commandId={uuid()}
          state={state}
        />
      );
      locate();
    }
    document.title = nameOf(h, page);
  }
  if (!clientMode) {
    viewEl.textContent = '';
    clientMode = true;
  }
  if (view) render(view, viewEl);
  for (const f of viewEl.querySelectorAll<HTMLInputElement>('input[name="_csrf"]')) f.value = csrf ?? '';
}

function go(url: string) {
  history.pushState(null, '', url);
  window.scrollTo(0, 0);
  void route();
}

function formBody(form: HTMLFormElement): FormBody {
  const out: FormBody = {};
  for (const [k, v] of new FormData(form)) {
    if (typeof v !== 'string') continue;
    const prev = out[k];
    out[k] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v];
  }
  return out;
}

async function onAssist(
  form: HTMLFormElement,
  body: FormBody,
  submitter: HTMLElement | null,
  id: string,
  code: string,
) {
  const catalogue = await getMeta(db, 'catalogue');
  const procedure = catalogue?.procedures.find((p) => p.code === code);
  if (!procedure) return;
  const phone = String(body['applicant.phone'] ?? '').trim();
  if ((submitter as HTMLButtonElement | null)?.name === 'sendCode') {
    const r = await fetch(`${cfg.syncUrl}ma-dong-y`, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'content-type': 'application/json', 'x-csrf-token': csrf ?? '' },
      body: JSON.stringify({ phone }),
    }).catch(() => undefined);
    otpSentTo = r?.ok ? phone : undefined;
    return route({ values: body, errors: r?.ok ? {} : { consent: t('fieldkit:assist.needSignal') } });
  }
  const errors: Record<string, string> = {};
  for (const k of ['applicant.name', 'applicant.address'])
    if (!String(body[k] ?? '').trim()) errors[k] = t('fieldkit:check.required');
  if (!/^\d{12}$/.test(String(body['applicant.idNumber'] ?? '').trim()))
    errors['applicant.idNumber'] = t('fieldkit:check.required');
  if (!/^0[35789]\d{8}$/.test(phone.replace(/[\s.-]/g, '').replace(/^(\+?84)/, '0')))
    errors['applicant.phone'] = t('fieldkit:check.phone');
  for (const f of procedure.form as { name: string; required?: boolean; type: string }[]) {
    if (f.required && f.type !== 'checkbox' && !String(body[`form_${f.name}`] ?? '').trim())
      errors[`form.${f.name}`] = t('fieldkit:check.required');
  }
  for (const d of procedure.documents)
    if (d.mandatory && !photos.has(`doc_${d.id}`))
      errors[`documents.${d.id}`] = t('fieldkit:assist.needPhoto');
  let consent: Consent | undefined;
  const blobs: BlobEntry[] = [];
  const keep = (field: string) => {
    const p = photos.get(field);
    if (!p) return undefined;
    const entry = { id: uuid(), blob: p.blob, name: p.name };
    blobs.push(entry);
    return entry.id;
  };
  if (body.consent === 'otp') {
    const r = await fetch(`${cfg.syncUrl}ma-dong-y/xac-nhan`, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'content-type': 'application/json', 'x-csrf-token': csrf ?? '' },
      body: JSON.stringify({ phone, code: String(body.otpCode ?? '') }),
    }).catch(() => undefined);
    if (r?.ok) consentToken = ((await r.json()) as { token: string }).token;
    if (consentToken) consent = { kind: 'otp', token: consentToken };
    else errors.consent = r ? t('fieldkit:assist.needConsent') : t('fieldkit:assist.needSignal');
  } else if (!photos.has('consent_photo')) errors.consent = t('fieldkit:assist.needConsent');
  if (Object.keys(errors).length) return route({ values: body, errors });
  consent ??= { kind: 'paper', uploadId: keep('consent_photo') ?? '' };
  const files = procedure.documents.flatMap((d) => {
    const uploadId = keep(`doc_${d.id}`);
    return uploadId ? [{ documentId: d.id, uploadId }] : [];
  });
  const command = assistCommand(body, {
    commandId: uuid(),
    dossierId: uuid(),
    householdId: id,
    procedureCode: code,
    now: new Date(),
    files,
    consent,
  });
  await enqueue(db, command, id, blobs);
  photos.clear();
  otpSentTo = undefined;
  consentToken = undefined;
  flash = t('fieldkit:assist.saved');
  form.reset();
  go(householdUrl(id));
  await paint();
  void sync();
}

async function onPhoto(input: HTMLInputElement) {
  const file = input.files?.[0];
  const hint = viewEl?.querySelector<HTMLElement>(`.fk-photo[data-for="${input.name}"]`);
  if (!file) {
    photos.delete(input.name);
    return;
  }
  const shrunk = await shrinkPhoto(file, input.name === 'consent_photo' ? CONSENT_PHOTO : DOCUMENT_PHOTO);
  photos.set(input.name, { ...shrunk, name: file.name.replace(/\.[^.]+$/, '.jpg') });
  if (hint) {
    hint.textContent = t('fieldkit:assist.photo', {
      size: Math.round(shrunk.blob.size / 1024),
      width: shrunk.width,
      height: shrunk.height,
    });
  }
}

async function onSubmit(form: HTMLFormElement, submitter: HTMLElement | null = null) {
  const action = new URL(form.action, location.href);
  const body = formBody(form);
  const now = new Date();
  if (form.method.toLowerCase() === 'get') {
    go(`${action.pathname}?${new URLSearchParams(body as Record<string, string>)}`);
    return;
  }
  const r = match(new URL(action.pathname.replace(/\/xoa$/, ''), location.href));
  if (r?.name === 'assist') return onAssist(form, body, submitter, r.id, r.code);
  const householdId = r && 'id' in r ? r.id : uuid();
  let command: Command | undefined;
  if (action.pathname.endsWith('/xoa')) {
    command = {
      id: uuid(),
      type: 'household.delete',
      protocol: 1,
      at: now.toISOString(),
      data: {
        id: householdId,
        baseVersion: Number(body.baseVersion),
        reason: String(body.reason ?? 'other'),
      },
    };
  } else if (action.pathname.endsWith('/tham')) {
    const checklist = await getMeta(db, 'checklist');
    const h = await viewOf(householdId);
    if (!checklist || !h) return;
    const answers = visitAnswers(body, checklist.items);
    const errors = checkVisit(answers, checklist.items, h.members, t);
    if (Object.keys(errors).length) return route({ values: body, errors });
    command = visitCommand(body, {
      commandId: uuid(),
      visitId: uuid(),
      householdId,
      now,
      items: checklist.items,
    });
    flash = t('fieldkit:visit.saved');
  } else {
    const edit = action.pathname.endsWith('/sua');
    const errors = checkHousehold(householdValues(body), t);
    if (Object.keys(errors).length) return route({ values: body, errors });
    command = householdCommand(body, {
      commandId: uuid(),
      now,
      householdId,
      hamletId: Number(body.hamletId),
      edit,
    });
    flash = t('fieldkit:household.savedLocal');
  }
  if (command) await enqueue(db, command, householdId);
  go(householdUrl(householdId));
  await paint();
  void sync();
}

function locate() {
  if (!navigator.geolocation) return;
  navigator.geolocation.getCurrentPosition(
    (p) => {
      const form = viewEl?.querySelector('form');
      const set = (n: string, v: string) => {
        const input = form?.querySelector<HTMLInputElement>(`input[name="${n}"]`);
        if (input) input.value = v;
      };
      const lat = p.coords.latitude.toFixed(6);
      const lng = p.coords.longitude.toFixed(6);
      set('lat', lat);
      set('lng', lng);
      set('accuracy', String(Math.round(p.coords.accuracy)));
      const where = document.getElementById('fk-where');
      if (where)
        where.textContent = t('fieldkit:visit.location', {
          lat,
          lng,
          accuracy: Math.round(p.coords.accuracy),
        });
    },
    () => {
      const where = document.getElementById('fk-where');
      if (where) where.textContent = t('fieldkit:visit.noLocation');
    },
    { enableHighAccuracy: false, timeout: 10_000, maximumAge: 300_000 },
  );
}

// ---------------------------------------------------------------------------------------------
// Guards: nothing unsent is lost by signing out or clearing

async function guardSignOut(form: HTMLFormElement) {
  const pending = await pendingEverywhere();
  if (pending > 0) {
    alertText = t('fieldkit:status.signOutBlocked', { count: pending });
    await paint();
    statusEl?.scrollIntoView();
    return;
  }
  // Nothing waits: the hamlet's personal data leaves this phone with the member.
  localStorage.removeItem(SESSION_KEY);
  await erase(db);
  form.submit();
}

async function clearData() {
  const pending = await pendingCount(db);
  const ok =
    pending > 0
      ? window.prompt(t('fieldkit:status.clearBlocked', { count: pending })) === 'XOA'
      : window.confirm(t('fieldkit:status.clearConfirm'));
  if (!ok) return;
  localStorage.removeItem(SESSION_KEY);
  await erase(db);
  location.assign(KIT);
}

function wire() {
  document.addEventListener('click', (e) => {
    const target = e.target as Element | null;
    const button = target?.closest<HTMLButtonElement>('button[data-kit]');
    if (button?.dataset.kit === 'send') {
      e.preventDefault();
      alertText = undefined;
      void sync();
      return;
    }
    if (button?.dataset.kit === 'clear') {
      e.preventDefault();
      void clearData();
      return;
    }
    if (button?.dataset.kit === 'locate') {
      e.preventDefault();
      locate();
      return;
    }
    const a = target?.closest<HTMLAnchorElement>('a[href]');
    if (!a || !clientMode || a.target || e.defaultPrevented) return;
    if ((e as MouseEvent).ctrlKey || (e as MouseEvent).metaKey) return;
    const url = new URL(a.href);
    if (url.origin !== location.origin || !match(url)) return;
    e.preventDefault();
    go(`${url.pathname}${url.search}`);
  });
  document.addEventListener('submit', (e) => {
    const form = e.target as HTMLFormElement;
    if (new URL(form.action, location.href).pathname === '/dang-xuat') {
      e.preventDefault();
      void guardSignOut(form);
      return;
    }
    if (!clientMode || !viewEl?.contains(form)) return;
    e.preventDefault();
    void onSubmit(form, (e as SubmitEvent).submitter);
  });
  document.addEventListener('change', (e) => {
    const input = e.target as HTMLInputElement;
    if (clientMode && input.type === 'file' && viewEl?.contains(input)) void onPhoto(input);
  });
  window.addEventListener('popstate', () => void route());
  window.addEventListener('online', () => void sync());
  setInterval(() => {
    if (navigator.onLine) void sync();
  }, 60_000);
}

// ---------------------------------------------------------------------------------------------

async function open(s: Session) {
  session = s;
  db = await openKit(s.userId);
  if (await getMeta(db, 'cursor')) await route();
  await paint();
}

async function main() {
  document.documentElement.classList.add('fk-js-on');
  wire();
  // The phone's copy first: the list shows before any network answer (or its absence).
  const known = knownSession();
  if (known) await open(known);
  const fresh = await fetchSession();
  if (fresh && fresh.userId !== known?.userId) {
    // Someone else signed in on this phone: their own database, never the other's.
    db?.close();
    clientMode = false;
    await open(fresh);
  } else if (fresh) {
    session = { ...session, ...fresh };
  }
  if (!db) return;
  updates = await registerServiceWorker(cfg.swUrl, cfg.scope, {
    canActivate: async () => (await pendingEverywhere()) === 0,
    onChange: (u) => {
      void paint();
      // A new version is waiting: let it in at once if nothing waits to be sent.
      if (u.waiting) void pendingEverywhere().then((n) => (n === 0 ? u.tryActivate() : false));
    },
  });
  persisted = (await requestPersistence()).persisted;
  await paint();
  await sync();
  if (!clientMode) await route();
}

void main();
