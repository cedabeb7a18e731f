/**
 * The soak's users, each a loop until the soak says stop: applicants filing dossiers through the API,
 * people tracking them, the one-stop desk receiving and assigning them, villagers reporting a problem
 * on the web form, and one emergency alert. Requests go to the instances in turn, as a load balancer
 * without health checks sends them, so a retry usually lands on the other instance. Every write is
 * retried with the same key (or, for a staff action, as the same action) until it gets an answer
 * that is not a failure; what was acknowledged is kept for the final check against the database.
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { submissionForm, submitterPhone } from '#test/support/acknowledged.ts';
import { cookieHeader, csrfOf } from '#test/support/web-session.ts';
import type { Answer, Kind, Recorder } from './record.ts';

const COMMUNE = '06541';
const DEMO_PASSWORD = 'xaso-demo-2026';
/** How long one write is retried before it is given up (and reported as unresolved). */
const RETRY_DEADLINE_MS = 180_000;

/** The writes that got a success answer, as the client saw them. */
export interface Acknowledged {
  /** Idempotency-Key → the code of every 201. */
  dossiers: Map<string, string[]>;
  /** `${code} ${action}` → how many 200s. */
  actions: Map<string, number>;
  /** The form's key → the private tracking token of every 303. */
  reports: Map<string, string[]>;
  alerts: { bulletinId: number; alertId: number }[];
}

/** Think time after each operation, per user. */
const PAUSE_MS: Record<Kind, number> = { submit: 300, track: 200, staff: 300, feedback: 1000, alert: 0 };

const ipOf = (n: number) => `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`;

export class Traffic {
  stopping = false;
  readonly acknowledged: Acknowledged = {
    dossiers: new Map(),
    actions: new Map(),
    reports: new Map(),
    alerts: [],
  };
  /** Writes given up after RETRY_DEADLINE_MS without a final answer. */
  readonly unresolved: string[] = [];
  /** Final answers that are neither the success nor a failure worth a retry. */
  readonly unexpected: string[] = [];
  /** A staff action that answered 409 after an earlier try of it went unanswered: it may have been done then. */
  readonly conflictsAfterRetry: string[] = [];
  private turn = 0;
  private submissions = 0;
  private visitors = 0;
  private readonly trackable: { code: string; phone4: string }[] = [];
  private readonly toReceive: string[] = [];

  constructor(
    private readonly rec: Recorder,
    private readonly bases: string[],
  ) {}

  private base() {
    return this.bases[this.turn++ % this.bases.length] as string;
  }

  private note(list: string[], what: string, a: Answer) {
    let detail = a.body.slice(0, 200);
    try {
      // A problem+json answer: its field errors say what was refused.
      const p = JSON.parse(a.body) as { detail?: string; errors?: { field: string; en: string }[] };
      detail = p.errors?.map((e) => `${e.field}: ${e.en}`).join('; ') || p.detail || detail;
    } catch {
      // not JSON
    }
    list.push(`${what}: ${a.outcome} ${detail}`);
  }

  /**
   * `attempt` until it gets an answer other than none, 5xx or 429; each try on the next instance,
   * with a growing pause. Undefined when the deadline passes first.
   */
  private async retry(what: string, attempt: (base: string) => Promise<Answer>) {
    const deadline = this.rec.now() + RETRY_DEADLINE_MS;
    for (let n = 0; ; n++) {
      const a = await attempt(this.base());
      if (a.status !== 0 && a.status < 500 && a.status !== 429) return { answer: a, tries: n + 1 };
      if (this.rec.now() > deadline) {
        this.unresolved.push(`${what}: last answer ${a.outcome}`);
        return undefined;
      }
      await sleep(200 * 2 ** Math.min(n, 3));
    }
  }

  /** An applicant filing one dossier after another, each with its own Idempotency-Key. */
  async submitter() {
    while (!this.stopping) {
      const i = ++this.submissions;
      const key = `soak-${i}-${randomUUID()}`;
      const r = await this.retry(`submission ${key}`, (base) =>
        this.rec.call('submit', `${base}/api/v1/dossiers`, {
          method: 'POST',
          headers: { 'idempotency-key': key, 'x-forwarded-for': ipOf(i) },
          body: submissionForm(i),
        }),
      );
      if (r?.answer.status === 201) {
        const { code } = JSON.parse(r.answer.body) as { code: string };
        const codes = this.acknowledged.dossiers.get(key) ?? [];
        this.acknowledged.dossiers.set(key, [...codes, code]);
        this.trackable.push({ code, phone4: submitterPhone(i).slice(-4) });
        this.toReceive.push(code);
      } else if (r) this.note(this.unexpected, `submission ${key}`, r.answer);
      await sleep(PAUSE_MS.submit);
    }
  }

  /** Someone tracking a dossier filed earlier, with its code and the phone's last four digits. */
  async tracker() {
    while (!this.stopping) {
      const d = this.trackable[Math.floor(Math.random() * this.trackable.length)];
      if (!d) {
        await sleep(100);
        continue;
      }
      const a = await this.rec.call(
        'track',
        `${this.base()}/api/v1/dossiers/${encodeURIComponent(d.code)}?phone4=${d.phone4}`,
        { headers: { 'x-forwarded-for': ipOf(1_000_000 + Math.floor(Math.random() * 1_000_000)) } },
      );
      if (a.status !== 0 && a.status !== 200 && a.status !== 429 && a.status < 500)
        this.note(this.unexpected, `tracking ${d.code}`, a);
      await sleep(PAUSE_MS.track);
    }
  }

  private async apiLogin(username: string) {
    const r = await this.retry(`sign-in ${username}`, (base) =>
      this.rec.call('staff', `${base}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username, password: DEMO_PASSWORD }),
      }),
    );
    if (r?.answer.status !== 200) throw new Error(`${username} could not sign in: ${r?.answer.outcome}`);
    return (JSON.parse(r.answer.body) as { token: string }).token;
  }

  /** The one-stop desk: receives each new dossier, assigns it to the specialist, reads its log. */
  async desk() {
    const token = await this.apiLogin('motcua');
    const specialist = await this.apiLogin('chuyenvien');
    const me = await this.retry('specialist id', (base) =>
      this.rec.call('staff', `${base}/api/v1/me`, { headers: { authorization: `Bearer ${specialist}` } }),
    );
    const assigneeId = (JSON.parse(me?.answer.body ?? '{}') as { id?: number }).id;
    if (!assigneeId) throw new Error(`no specialist id: ${me?.answer.outcome} ${me?.answer.body}`);
    const auth = { authorization: `Bearer ${token}` };
    while (!this.stopping) {
      const code = this.toReceive.shift();
      if (!code) {
        await sleep(100);
        continue;
      }
      const url = (base: string) => `${base}/api/v1/dossiers/${encodeURIComponent(code)}/actions`;
      for (const action of [{ type: 'receive' }, { type: 'assign', assigneeId }]) {
        const what = `${code} ${action.type}`;
        const r = await this.retry(what, (base) =>
          this.rec.call('staff', url(base), {
            method: 'POST',
            headers: { ...auth, 'content-type': 'application/json' },
            body: JSON.stringify(action),
          }),
        );
        if (!r) break;
        if (r.answer.status === 200) {
          this.acknowledged.actions.set(what, (this.acknowledged.actions.get(what) ?? 0) + 1);
        } else if (r.answer.status === 409 && r.tries > 1) {
          this.conflictsAfterRetry.push(what);
        } else {
          this.note(this.unexpected, what, r.answer);
          break;
        }
      }
      await this.rec.call('staff', url(this.base()), { headers: auth });
      await sleep(PAUSE_MS.staff);
    }
  }

  /** A villager reporting a problem on the web form (no JavaScript: the form's own key makes a retry safe). */
  async reporter() {
    while (!this.stopping) {
      const n = ++this.visitors;
      const key = randomUUID();
      const ip = ipOf(2_000_000 + n);
      const r = await this.retry(`report ${key}`, async (base) => {
        const page = await this.rec.call('feedback', `${base}/phan-anh/gui?xa=${COMMUNE}`, {
          headers: { 'x-forwarded-for': ip, accept: 'text/html' },
        });
        const csrf = csrfOf(page.body);
        if (page.status !== 200 || !csrf) return page;
        const fd = new FormData();
        fd.append('_csrf', csrf);
        fd.append('category', 'roads');
        fd.append('commune', COMMUNE);
        fd.append('description', `Sạt lở taluy dương ở dốc Khau Slôi, đất đá lấp nửa mặt đường (lần ${n}).`);
        fd.append('phone', submitterPhone(500_000 + n));
        fd.append('key', key);
        return this.rec.call('feedback', `${base}/phan-anh/gui`, {
          method: 'POST',
          headers: { cookie: cookieHeader(page), 'x-forwarded-for': ip, accept: 'text/html' },
          body: fd,
        });
      });
      const token = /\/phan-anh\/theo-doi\/([^?]+)/.exec(r?.answer.headers.get('location') ?? '')?.[1];
      if (r?.answer.status === 303 && token) {
        this.acknowledged.reports.set(key, [...(this.acknowledged.reports.get(key) ?? []), token]);
      } else if (r) this.note(this.unexpected, `report ${key}`, r.answer);
      await sleep(PAUSE_MS.feedback);
    }
  }

  /** The radio operator signs in, writes an emergency, hears the preview and confirms it. */
  async emergency() {
    let cookie = '';
    const signIn = await this.retry('operator sign-in', async (base) => {
      const page = await this.rec.call('alert', `${base}/dang-nhap`, { headers: { accept: 'text/html' } });
      const csrf = csrfOf(page.body);
      if (page.status !== 200 || !csrf) return page;
      cookie = cookieHeader(page);
      const res = await this.rec.call('alert', `${base}/dang-nhap`, {
        method: 'POST',
        headers: { cookie, 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' },
        body: new URLSearchParams({ _csrf: csrf, username: 'phatthanh', password: DEMO_PASSWORD }),
      });
      cookie = cookieHeader(res, cookie);
      return res;
    });
    if (signIn?.answer.status !== 303) {
      if (signIn) this.note(this.unexpected, 'operator sign-in', signIn.answer);
      return;
    }
    const path = `/quan-tri/loa/xa/${COMMUNE}/khan-cap`;
    const post = (base: string, to: string, fields: Record<string, string>) =>
      this.rec.call('alert', `${base}${to}`, {
        method: 'POST',
        headers: { cookie, 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' },
        body: new URLSearchParams(fields),
      });
    let fields: Record<string, string> = {};
    const prepared = await this.retry('emergency draft', async (base) => {
      const page = await this.rec.call('alert', `${base}${path}`, {
        headers: { cookie, accept: 'text/html' },
      });
      const csrf = csrfOf(page.body);
      const village = [...page.body.matchAll(/name="targets"\s+value="([^"]+)"/g)]
        .map((m) => m[1])
        .find((c) => c !== COMMUNE);
      if (page.status !== 200 || !csrf || !village) return page;
      fields = {
        _csrf: csrf,
        headline: 'Cảnh báo lũ quét',
        instruction: 'Bà con ở ven suối di chuyển lên chỗ cao ngay.',
        event: 'Lũ quét',
        category: 'Met',
        severity: 'Extreme',
        targets: village,
        repeat: '1',
        expiresMinutes: '60',
      };
      return post(base, path, fields);
    });
    const bulletinId = /name="bulletinId" value="(\d+)"/.exec(prepared?.answer.body ?? '')?.[1];
    if (prepared?.answer.status !== 200 || !bulletinId) {
      if (prepared) this.note(this.unexpected, 'emergency draft', prepared.answer);
      return;
    }
    // Confirming twice broadcasts once: the second answer names the first alert.
    const sent = await this.retry(`emergency ${bulletinId}`, (base) =>
      post(base, `${path}/xac-nhan`, { ...fields, bulletinId, confirm: 'yes' }),
    );
    const alertId = /\/quan-tri\/loa\/canh-bao\/(\d+)/.exec(sent?.answer.headers.get('location') ?? '')?.[1];
    if (sent?.answer.status === 303 && alertId) {
      this.acknowledged.alerts.push({ bulletinId: Number(bulletinId), alertId: Number(alertId) });
    } else if (sent) this.note(this.unexpected, `emergency ${bulletinId}`, sent.answer);
  }
}
