import { APPLICANT, COMMUNE, FORM, multipartBody, PDF, PROCEDURE } from './measures/dossier-common.ts';

/**
 * A day at a commune, compressed: citizens read the home, search and procedure pages, open the
 * submission form, file dossiers through the API and track them (page and API); staff open the queue,
 * a dossier and its result's PDF preview; loudspeaker and feedback pages are read. Every client
 * takes the next step of the same cycle, so all kinds run all the time. Each request comes from its
 * own X-Forwarded-For (the app runs with TRUST_PROXY), so flood limits are counted but never reached:
 * what is measured is the work, not the 429.
 */

export interface TrafficResult {
  requests: number;
  byStep: Record<string, number>;
  /** Answers that were neither 2xx nor 3xx, by step and status: any of them fails the run. */
  failures: Record<string, number>;
}

type Step = { name: string; run: (c: Client) => Promise<Response> };

interface Client {
  origin: string;
  address: () => string;
  staffCookie: string;
  codes: string[];
}

const phone4 = APPLICANT.phone.slice(-4);

function pick<T>(xs: T[]): T | undefined {
  return xs[Math.floor(Math.random() * xs.length)];
}

async function filing() {
  return multipartBody([
    { name: 'procedureCode', value: PROCEDURE },
    { name: 'unitCode', value: COMMUNE },
    { name: 'applicant', value: JSON.stringify(APPLICANT) },
    { name: 'form', value: JSON.stringify(FORM) },
    { name: 'doc.birthCertificate', file: { filename: 'giay-chung-sinh.pdf', data: PDF } },
  ]);
}

/** Cookies a response set, as one Cookie header (name=value pairs only). */
function cookiesOf(res: Response, previous = ''): string {
  const jar = new Map(
    previous
      .split('; ')
      .filter(Boolean)
      .map((c) => c.split('=', 2) as [string, string]),
  );
  for (const line of res.headers.getSetCookie()) {
    const [pair] = line.split(';');
    const at = pair?.indexOf('=') ?? -1;
    if (pair && at > 0) jar.set(pair.slice(0, at), pair.slice(at + 1));
  }
  return [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
}

/** Sign a demo staff member in through the form, as a browser does; the session's Cookie header. */
export async function signIn(origin: string, username: string, password: string): Promise<string> {
  const form = await fetch(`${origin}/dang-nhap`);
  const html = await form.text();
  const csrf = /name="_csrf" value="([^"]+)"/.exec(html)?.[1];
  if (!csrf) throw new Error('the sign-in page has no CSRF field');
  let cookie = cookiesOf(form);
  const res = await fetch(`${origin}/dang-nhap`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie },
    body: new URLSearchParams({ username, password, _csrf: csrf }),
    redirect: 'manual',
  });
  if (res.status !== 303) throw new Error(`sign-in as ${username} answered ${res.status}`);
  cookie = cookiesOf(res, cookie);
  return cookie;
}

/**
 * One staff step on a dossier through its page's form, as a browser posts it: the form's hidden
 * fields and the first choice of each list.
 */
export async function staffAct(origin: string, cookie: string, code: string, type: string) {
  const page = await (
    await fetch(`${origin}/quan-tri/ho-so/${encodeURIComponent(code)}`, { headers: { cookie } })
  ).text();
  const form = new RegExp(`<li data-action="${type}">([\\s\\S]*?)</li>`).exec(page)?.[1];
  if (!form) throw new Error(`${type} is not offered on ${code}`);
  const fields = new URLSearchParams();
  for (const m of form.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"/g))
    fields.set(m[1] as string, m[2] as string);
  for (const m of form.matchAll(/<select[^>]* name="([^"]+)"[^>]*>[\s\S]*?<option value="([^"]+)"/g))
    fields.set(m[1] as string, m[2] as string);
  const res = await fetch(`${origin}/quan-tri/ho-so/${encodeURIComponent(code)}/thao-tac`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie },
    body: fields,
    redirect: 'manual',
  });
  if (res.status !== 303) throw new Error(`${type} on ${code} answered ${res.status}`);
}

/** File one dossier through the API; its code. */
export async function fileDossier(origin: string, key: string): Promise<string> {
  const { body, contentType } = await filing();
  const res = await fetch(`${origin}/api/v1/dossiers`, {
    method: 'POST',
    headers: { 'content-type': contentType, 'idempotency-key': key },
    body: new Uint8Array(body),
  });
  if (res.status !== 201) throw new Error(`filing answered ${res.status} ${await res.text()}`);
  return ((await res.json()) as { code: string }).code;
}

export async function runTraffic(opts: {
  origin: string;
  seconds: number;
  clients: number;
  staffCookie: string;
  /** A dossier the staff cookie's approver may preview a result for. */
  approved: string;
  /** Called every few seconds while the traffic runs (to sample memory). */
  tick?: () => void;
}): Promise<TrafficResult> {
  const { body, contentType } = await filing();
  const run = Date.now().toString(36);
  let filed = 0;
  let addresses = 0;
  const address = () => {
    const n = addresses++;
    return `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`;
  };
  const get = (c: Client, path: string, headers: Record<string, string> = {}) =>
    fetch(`${c.origin}${path}`, {
      headers: { 'x-forwarded-for': c.address(), ...headers },
      redirect: 'manual',
    });
  const steps: Step[] = [
    { name: 'home', run: (c) => get(c, '/') },
    { name: 'search', run: (c) => get(c, '/thu-tuc?q=dang+ky+khai+sinh') },
    { name: 'procedure', run: (c) => get(c, `/thu-tuc/${PROCEDURE}`) },
    { name: 'form', run: (c) => get(c, `/thu-tuc/${PROCEDURE}/nop?xa=${COMMUNE}`) },
    {
      name: 'file',
      run: async (c) => {
        const res = await fetch(`${c.origin}/api/v1/dossiers`, {
          method: 'POST',
          headers: {
            'content-type': contentType,
            'idempotency-key': `bench-memory-${run}-${filed++}`,
            'x-forwarded-for': c.address(),
          },
          body: new Uint8Array(body),
        });
        if (res.status === 201) c.codes.push(((await res.clone().json()) as { code: string }).code);
        return res;
      },
    },
    { name: 'track page', run: (c) => get(c, `/tra-cuu?ma=${pick(c.codes)}&so=${phone4}`) },
    { name: 'track api', run: (c) => get(c, `/api/v1/dossiers/${pick(c.codes)}?phone4=${phone4}`) },
    { name: 'places', run: (c) => get(c, '/dia-ban') },
    { name: 'feedback', run: (c) => get(c, '/phan-anh') },
    { name: 'stylesheet', run: (c) => get(c, '/static/app.css') },
    { name: 'healthz', run: (c) => get(c, '/healthz') },
    { name: 'staff queue', run: (c) => get(c, '/quan-tri/ho-so', { cookie: c.staffCookie }) },
    {
      name: 'staff dossier',
      run: (c) => get(c, `/quan-tri/ho-so/${pick(c.codes)}`, { cookie: c.staffCookie }),
    },
    {
      name: 'result preview pdf',
      run: (c) => get(c, `/quan-tri/ho-so/${opts.approved}/ket-qua/xem-truoc.pdf`, { cookie: c.staffCookie }),
    },
  ];

  const codes: string[] = [];
  const result: TrafficResult = { requests: 0, byStep: {}, failures: {} };
  const deadline = performance.now() + opts.seconds * 1000;
  let nextStep = 0;
  const ticker = opts.tick ? setInterval(opts.tick, 2000) : undefined;
  const client = async () => {
    const c: Client = { origin: opts.origin, address, staffCookie: opts.staffCookie, codes };
    while (performance.now() < deadline) {
      let step = steps[nextStep++ % steps.length] as Step;
      // Until a dossier exists, the steps that need one file one instead.
      if (!codes.length && /track|staff dossier/.test(step.name))
        step = steps.find((s) => s.name === 'file') as Step;
      const res = await step.run(c);
      await res.arrayBuffer();
      result.requests++;
      result.byStep[step.name] = (result.byStep[step.name] ?? 0) + 1;
      if (res.status >= 400) {
        const key = `${step.name} ${res.status}`;
        result.failures[key] = (result.failures[key] ?? 0) + 1;
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: opts.clients }, client));
  } finally {
    if (ticker) clearInterval(ticker);
  }
  return result;
}
