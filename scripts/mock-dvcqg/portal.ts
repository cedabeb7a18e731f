import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { ZodError } from 'zod';
import { fieldErrors, splitMessage } from '#platform/validation.ts';
import { type Fault, FaultBoard, faultSchema } from './faults.ts';
import { SERVICE_TABLES, type ServiceName, type TableId, tableSchema } from './fields.ts';

/**
 * A stand-in for the National Public Service Portal's integration adapter (Cổng DVCQG), speaking
 * the protocol described in docs/integrations/dvcqg.md: JSON over POST to three configurable paths
 * (session, integration, sharing), a session in every body, `error_code` 0 for success. It checks
 * every field against the tables in fields.ts, keeps what it accepts, and fails on request.
 */

export interface Catalogue {
  coQuan: Record<string, unknown>[];
  linhVuc: Record<string, unknown>[];
  thuTuc: Record<string, unknown>[];
}

export interface MockPortalOptions {
  /** 0 picks a free port. Default 0. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  credentials?: { username: string; password: string };
  /** When set, every call must carry this `dstcode` header (the adapter's routing code). */
  dstcode?: string;
  paths?: { auth?: string; integration?: string; share?: string };
  /** How success is written: clients have compared it as 0, "0" and "00" (see the document). */
  successCode?: 0 | '0' | '00';
  /** How long a session lives. Default 8 hours (the real lifetime is unknown). */
  sessionTtlMs?: number;
  catalogue?: Catalogue;
  now?: () => Date;
  /** Called once per call with a one-line summary (the CLI prints it). */
  onCall?: (call: CallRecord) => void;
}

export interface CallRecord {
  seq: number;
  at: string;
  path: string;
  service: string | null;
  madonvi: string | null;
  maHoSo: string[];
  /** The body as received, with the password and session replaced by "***". */
  request: unknown;
  httpStatus: number;
  answer: unknown;
  fault: { id: number; kind: Fault['kind'] } | null;
  /** Whether the call changed what the portal holds. */
  applied: boolean;
}

export interface StoredDossier {
  MaHoSo: string;
  madonvi: string;
  /** The dossier as last synchronised by DongBoHoSoMC. */
  current: Record<string, unknown>;
  versions: { at: string; isUpdating: string; data: Record<string, unknown> }[];
  progress: { at: string; entry: Record<string, unknown> }[];
}

export const DEFAULT_CREDENTIALS = { username: 'mock-adapter', password: 'mock-password' };
export const DEFAULT_PATHS = { auth: '/mapi/login', integration: '/mapi/data', share: '/mapi/g' };

/** Error codes the mock answers; which of them the real portal uses is in the document. */
export const CODES = {
  invalid: -1,
  session: -2,
  exists: 3,
  notFound: -4,
  fault: -9,
} as const;

export class MockState {
  readonly dossiers = new Map<string, StoredDossier>();
  readonly calls: CallRecord[] = [];
  readonly sessions = new Map<string, { username: string; expiresAt: number }>();

  dossier(maHoSo: string): StoredDossier | undefined {
    return this.dossiers.get(maHoSo);
  }

  callsTo(service: string): CallRecord[] {
    return this.calls.filter((c) => c.service === service);
  }

  expireSessions(): void {
    this.sessions.clear();
  }

  reset(): void {
    this.dossiers.clear();
    this.calls.length = 0;
    this.sessions.clear();
  }
}

export interface MockPortal {
  url: string;
  paths: { auth: string; integration: string; share: string };
  credentials: { username: string; password: string };
  state: MockState;
  faults: FaultBoard;
  close(): Promise<void>;
}

const FIXTURE = new URL('./fixture.json', import.meta.url);

export function loadCatalogue(file: URL | string = FIXTURE): Catalogue {
  const raw = JSON.parse(fs.readFileSync(file, 'utf8')) as Catalogue;
  // The fixture must itself speak the protocol: a bad fixture would teach clients a wrong shape.
  for (const [list, table] of [
    [raw.coQuan, 'CoQuan'],
    [raw.linhVuc, 'LinhVuc'],
    [raw.thuTuc, 'ThuTuc'],
  ] as const) {
    for (const item of list) tableSchema(table).parse(item);
  }
  return raw;
}

const MAX_BODY = 20 * 1024 * 1024;

class BodyTooLarge extends Error {}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) {
        reject(new BodyTooLarge());
        req.resume();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** Dossier codes a call concerns, read loosely from whatever arrived (faults match on them). */
function dossierCodes(body: unknown): string[] {
  if (!body || typeof body !== 'object') return [];
  const b = body as Record<string, unknown>;
  const codes = new Set<string>();
  if (typeof b.mahoso === 'string') codes.add(b.mahoso);
  if (Array.isArray(b.data)) {
    for (const item of b.data) {
      const code = (item as Record<string, unknown> | null)?.MaHoSo;
      if (typeof code === 'string') codes.add(code);
    }
  }
  return [...codes];
}

function redact(body: unknown): unknown {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return body;
  const copy = { ...(body as Record<string, unknown>) };
  if ('password' in copy) copy.password = '***';
  if ('session' in copy) copy.session = '***';
  return copy;
}

/** data[0].NgayTiepNhan rather than data.0.NgayTiepNhan; one entry per unknown key. */
export function portalErrors(error: ZodError): { field: string; vi: string; en: string }[] {
  const name = (path: PropertyKey[]) =>
    path.reduce<string>(
      (out, p) => (typeof p === 'number' ? `${out}[${p}]` : out ? `${out}.${String(p)}` : String(p)),
      '',
    ) || '_';
  return error.issues.flatMap((issue) => {
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({
        field: name([...issue.path, key]),
        vi: 'Trường không có trong bảng trường của Cổng DVCQG.',
        en: 'Not a field of the portal’s field table.',
      }));
    }
    if (issue.code === 'invalid_type' && issue.input === undefined) {
      return [{ field: name(issue.path), vi: 'Bắt buộc.', en: 'Required.' }];
    }
    if (issue.code === 'invalid_type') {
      return [
        {
          field: name(issue.path),
          vi: `Sai kiểu: cần ${issue.expected}.`,
          en: `Wrong type: ${issue.expected} expected.`,
        },
      ];
    }
    return [{ field: name(issue.path), ...splitMessage(issue.message) }];
  });
}

function text(vi: string, en: string) {
  return `${vi} / ${en}`;
}

interface Outcome {
  status: number;
  answer: Record<string, unknown> | null;
  applied: boolean;
}

export async function startMockPortal(options: MockPortalOptions = {}): Promise<MockPortal> {
  const credentials = options.credentials ?? DEFAULT_CREDENTIALS;
  const paths = { ...DEFAULT_PATHS, ...options.paths };
  const successCode = options.successCode ?? 0;
  const ttl = options.sessionTtlMs ?? 8 * 3600_000;
  const now = options.now ?? (() => new Date());
  const catalogue = options.catalogue ?? loadCatalogue();
  const state = new MockState();
  const faults = new FaultBoard();
  const timers = new Set<NodeJS.Timeout>();
  const sockets = new Set<Socket>();

  const ok = (message: string, extra: Record<string, unknown> = {}) => ({
    error_code: successCode,
    message,
    ...extra,
  });
  const fail = (code: number, vi: string, en: string, extra: Record<string, unknown> = {}) => ({
    error_code: code,
    message: text(vi, en),
    ...extra,
  });

  function invalid(error: ZodError) {
    const errors = portalErrors(error);
    const list = errors.map((e) => `${e.field}: ${e.vi}`).join('; ');
    const listEn = errors.map((e) => `${e.field}: ${e.en}`).join('; ');
    return fail(CODES.invalid, `Dữ liệu không hợp lệ: ${list}`, `Invalid data: ${listEn}`, { errors });
  }

  function login(body: Record<string, unknown>): Outcome {
    const parsed = tableSchema('login').safeParse(body);
    if (!parsed.success) return { status: 200, answer: invalid(parsed.error), applied: false };
    if (parsed.data.username !== credentials.username || parsed.data.password !== credentials.password) {
      return {
        status: 200,
        answer: fail(CODES.session, 'Sai tên đăng nhập hoặc mật khẩu.', 'Wrong username or password.'),
        applied: false,
      };
    }
    const session = randomUUID();
    state.sessions.set(session, { username: credentials.username, expiresAt: now().getTime() + ttl });
    return { status: 200, answer: ok('Đăng nhập thành công.', { session }), applied: true };
  }

  function sessionValid(session: unknown): boolean {
    if (typeof session !== 'string') return false;
    const s = state.sessions.get(session);
    if (!s) return false;
    if (s.expiresAt <= now().getTime()) {
      state.sessions.delete(session);
      return false;
    }
    return true;
  }

  function lookUp(body: Record<string, unknown>): Outcome {
    const found = state.dossier(String(body.mahoso));
    const result = found ? [{ ...found.current }] : [];
    return {
      status: 200,
      answer: ok(found ? 'Tra cứu thành công.' : 'Tra cứu thành công: không có hồ sơ.', { result }),
      applied: false,
    };
  }

  function sync(body: Record<string, unknown>): Outcome {
    const data = body.data as Record<string, unknown>[];
    const updating = body.isUpdating === 'True';
    const codes = data.map((d) => String(d.MaHoSo));
    const repeated = codes.find((c, i) => codes.indexOf(c) !== i);
    if (repeated) {
      return {
        status: 200,
        answer: fail(
          CODES.invalid,
          `Mã hồ sơ ${repeated} lặp lại trong cùng một lần gửi.`,
          `Dossier code ${repeated} appears twice in one call.`,
        ),
        applied: false,
      };
    }
    for (const code of codes) {
      if (!updating && state.dossiers.has(code)) {
        return {
          status: 200,
          answer: fail(CODES.exists, `Hồ sơ ${code} đã tồn tại.`, `Dossier ${code} already exists.`),
          applied: false,
        };
      }
      if (updating && !state.dossiers.has(code)) {
        return {
          status: 200,
          answer: fail(CODES.notFound, `Không tìm thấy hồ sơ ${code}.`, `Dossier ${code} not found.`),
          applied: false,
        };
      }
    }
    const at = now().toISOString();
    for (const item of data) {
      const code = String(item.MaHoSo);
      const stored = state.dossiers.get(code) ?? {
        MaHoSo: code,
        madonvi: String(body.madonvi),
        current: {},
        versions: [],
        progress: [],
      };
      stored.current = { ...item };
      stored.versions.push({ at, isUpdating: String(body.isUpdating), data: { ...item } });
      state.dossiers.set(code, stored);
    }
    return { status: 200, answer: ok('Đồng bộ hồ sơ thành công.'), applied: true };
  }

  function progress(body: Record<string, unknown>): Outcome {
    const data = body.data as Record<string, unknown>[];
    const missing = data.map((d) => String(d.MaHoSo)).find((c) => !state.dossiers.has(c));
    if (missing) {
      return {
        status: 200,
        answer: fail(
          CODES.notFound,
          `Không tìm thấy hồ sơ ${missing}; cần đồng bộ hồ sơ (DongBoHoSoMC) trước.`,
          `Dossier ${missing} not found; synchronise it (DongBoHoSoMC) first.`,
        ),
        applied: false,
      };
    }
    const at = now().toISOString();
    for (const entry of data)
      state.dossiers.get(String(entry.MaHoSo))?.progress.push({ at, entry: { ...entry } });
    return { status: 200, answer: ok('Cập nhật tiến độ thành công.'), applied: true };
  }

  function catalogueCall(service: ServiceName, body: Record<string, unknown>): Outcome {
    const results: Record<string, () => unknown[]> = {
      LayDanhMucCoQuan: () => catalogue.coQuan,
      LayDanhMucLinhVuc: () => catalogue.linhVuc,
      LayDanhSachTTHC: () => catalogue.thuTuc.map((t) => ({ MATTHC: t.MATTHC, TENTTHC: t.TENTTHC })),
      LayThuTuc: () => catalogue.thuTuc.filter((t) => t.MATTHC === body.maTTHC),
    };
    const result = results[service]?.() ?? [];
    return { status: 200, answer: ok('Lấy dữ liệu thành công.', { result }), applied: false };
  }

  /** What the portal does with a well-formed call (no fault). */
  function serve(path: string, service: string | null, body: unknown): Outcome {
    if (body === undefined) {
      return {
        status: 200,
        answer: fail(CODES.invalid, 'Thân yêu cầu phải là JSON.', 'The request body must be JSON.'),
        applied: false,
      };
    }
    if (!body || typeof body !== 'object' || Array.isArray(body)) {
      return {
        status: 200,
        answer: fail(
          CODES.invalid,
          'Thân yêu cầu phải là một đối tượng JSON.',
          'The body must be a JSON object.',
        ),
        applied: false,
      };
    }
    const b = body as Record<string, unknown>;
    if (path === paths.auth) return login(b);
    if (!service || !(service in SERVICE_TABLES)) {
      return {
        status: 200,
        answer: fail(
          CODES.invalid,
          `Dịch vụ không được hỗ trợ: ${String(b.service ?? '(thiếu)')}.`,
          `Unsupported service: ${String(b.service ?? '(missing)')}.`,
        ),
        applied: false,
      };
    }
    if (!sessionValid(b.session)) {
      return {
        status: 200,
        answer: fail(
          CODES.session,
          'Phiên làm việc không hợp lệ hoặc đã hết hạn.',
          'The session is missing, invalid or expired.',
        ),
        applied: false,
      };
    }
    const table = SERVICE_TABLES[service as ServiceName] as TableId;
    const parsed = tableSchema(table).safeParse(b);
    if (!parsed.success) return { status: 200, answer: invalid(parsed.error), applied: false };
    // Valid: keep what was sent, as sent ("" stays "", so the mock's view equals the client's).
    switch (service as ServiceName) {
      case 'TraCuuHoSo':
        return lookUp(b);
      case 'DongBoHoSoMC':
        return sync(b);
      case 'CapNhatTienDoHoSoMC':
        return progress(b);
      default:
        return catalogueCall(service as ServiceName, b);
    }
  }

  function headerProblem(req: IncomingMessage): Record<string, unknown> | null {
    const type = req.headers['content-type'] ?? '';
    if (!/^application\/json\b/i.test(type)) {
      return fail(
        CODES.invalid,
        `Content-Type phải là application/json (nhận được: ${type || 'không có'}).`,
        `Content-Type must be application/json (got: ${type || 'none'}).`,
      );
    }
    if (options.dstcode !== undefined && req.headers.dstcode !== options.dstcode) {
      return fail(
        CODES.invalid,
        'Thiếu hoặc sai tiêu đề dstcode.',
        'The dstcode header is missing or wrong.',
      );
    }
    return null;
  }

  function send(res: ServerResponse, status: number, answer: unknown) {
    const body = Buffer.from(JSON.stringify(answer));
    res.writeHead(status, {
      'content-type': 'application/json; charset=utf-8',
      'content-length': body.length,
    });
    res.end(body);
  }

  async function handlePortal(req: IncomingMessage, res: ServerResponse, path: string) {
    let raw: Buffer;
    try {
      raw = await readBody(req);
    } catch (e) {
      if (e instanceof BodyTooLarge) {
        send(res, 413, fail(CODES.invalid, 'Yêu cầu quá lớn.', 'The request is too large.'));
        return;
      }
      throw e;
    }
    let body: unknown;
    try {
      body = raw.length ? JSON.parse(raw.toString('utf8')) : undefined;
    } catch {
      body = undefined;
    }
    const service =
      path === paths.auth
        ? 'login'
        : body && typeof body === 'object' && typeof (body as { service?: unknown }).service === 'string'
          ? (body as { service: string }).service
          : null;
    const madonvi =
      body && typeof body === 'object' && typeof (body as { madonvi?: unknown }).madonvi === 'string'
        ? (body as { madonvi: string }).madonvi
        : null;
    const maHoSo = dossierCodes(body);
    const record: CallRecord = {
      seq: state.calls.length + 1,
      at: now().toISOString(),
      path,
      service,
      madonvi,
      maHoSo,
      request: redact(body),
      httpStatus: 200,
      answer: null,
      fault: null,
      applied: false,
    };
    state.calls.push(record);

    const fault = faults.take({ service: service ?? '', maHoSo });
    const finish = (outcome: Outcome) => {
      record.httpStatus = outcome.status;
      record.answer = outcome.answer;
      record.applied = outcome.applied;
      options.onCall?.(record);
    };
    const carryOut = (): Outcome => {
      const problem = headerProblem(req);
      return problem ? { status: 200, answer: problem, applied: false } : serve(path, service, body);
    };

    if (!fault) {
      const outcome = carryOut();
      finish(outcome);
      send(res, outcome.status, outcome.answer);
      return;
    }
    record.fault = { id: fault.id, kind: fault.kind };
    switch (fault.kind) {
      case 'refuse-session':
      case 'error-code': {
        const answer =
          fault.kind === 'refuse-session'
            ? fail(CODES.session, 'Từ chối cấp phiên (giả lập).', 'Session refused (simulated).')
            : {
                error_code: fault.errorCode ?? CODES.fault,
                message: fault.message ?? text('Lỗi hệ thống (giả lập).', 'System error (simulated).'),
              };
        finish({ status: 200, answer, applied: false });
        send(res, 200, answer);
        return;
      }
      case 'http-500': {
        const outcome = fault.apply ? carryOut() : null;
        finish({ status: 500, answer: null, applied: outcome?.applied ?? false });
        res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' }).end('Internal Server Error');
        return;
      }
      case 'timeout': {
        const outcome = fault.apply === false ? null : carryOut();
        const answer =
          outcome?.answer ?? fail(CODES.fault, 'Hết thời gian (giả lập).', 'Timed out (simulated).');
        finish({ status: outcome?.status ?? 200, answer, applied: outcome?.applied ?? false });
        const timer = setTimeout(() => {
          timers.delete(timer);
          if (!res.destroyed) send(res, outcome?.status ?? 200, answer);
        }, fault.ms ?? 30_000);
        timers.add(timer);
        return;
      }
      case 'drop': {
        const outcome = fault.apply === false ? null : carryOut();
        const answer = outcome?.answer ?? ok('Thành công.');
        finish({ status: 200, answer, applied: outcome?.applied ?? false });
        const full = Buffer.from(JSON.stringify(answer));
        res.writeHead(200, {
          'content-type': 'application/json; charset=utf-8',
          'content-length': full.length,
        });
        // Half the promised bytes, then the connection goes: the client learns nothing reliable.
        res.write(full.subarray(0, Math.max(1, Math.floor(full.length / 2))), () => res.socket?.destroy());
        return;
      }
    }
  }

  async function handleControl(req: IncomingMessage, res: ServerResponse, path: string) {
    const method = req.method ?? 'GET';
    const dossierAt = /^\/_mock\/dossiers\/(.+)$/.exec(path);
    if (method === 'GET' && path === '/_mock/health') return send(res, 200, { status: 'ok' });
    if (method === 'GET' && path === '/_mock/calls') return send(res, 200, { calls: state.calls });
    if (method === 'GET' && path === '/_mock/dossiers') {
      const dossiers = [...state.dossiers.values()].map((d) => ({
        MaHoSo: d.MaHoSo,
        madonvi: d.madonvi,
        TrangThaiHoSo: d.current.TrangThaiHoSo,
        versions: d.versions.length,
        progress: d.progress.length,
      }));
      return send(res, 200, { dossiers });
    }
    if (method === 'GET' && dossierAt) {
      const found = state.dossier(decodeURIComponent(dossierAt[1] ?? ''));
      return found
        ? send(res, 200, found)
        : send(res, 404, { error: text('Không có hồ sơ này.', 'No such dossier.') });
    }
    if (path === '/_mock/faults') {
      if (method === 'GET') return send(res, 200, { faults: faults.all() });
      if (method === 'DELETE') {
        faults.clear();
        return send(res, 200, { faults: [] });
      }
      if (method === 'POST') {
        let body: unknown;
        try {
          body = JSON.parse((await readBody(req)).toString('utf8'));
        } catch {
          return send(res, 400, { error: text('Thân yêu cầu phải là JSON.', 'The body must be JSON.') });
        }
        const list = Array.isArray((body as { faults?: unknown })?.faults)
          ? (body as { faults: unknown[] }).faults
          : [body];
        const parsed = list.map((item) => faultSchema.safeParse(item));
        const bad = parsed.findIndex((p) => !p.success);
        if (bad >= 0) {
          const error = parsed[bad]?.error;
          return send(res, 400, {
            error: text('Lỗi cấu hình sự cố.', 'Invalid fault.'),
            errors: error ? fieldErrors(error) : [],
          });
        }
        const added = parsed.map((p) => faults.add(p.data as never));
        return send(res, 201, { faults: added });
      }
    }
    if (method === 'POST' && path === '/_mock/sessions/expire') {
      state.expireSessions();
      return send(res, 200, { expired: true });
    }
    if (method === 'POST' && path === '/_mock/reset') {
      state.reset();
      faults.clear();
      return send(res, 200, { reset: true });
    }
    send(res, 404, { error: text('Không có đường dẫn này.', 'No such path.') });
  }

  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://mock').pathname;
    const portal = [paths.auth, paths.integration, paths.share].includes(path);
    const work = path.startsWith('/_mock/')
      ? handleControl(req, res, path)
      : portal && req.method === 'POST'
        ? handlePortal(req, res, path)
        : Promise.resolve(send(res, 404, { error: text('Không có đường dẫn này.', 'No such path.') }));
    work.catch((e: unknown) => {
      // A bug in the mock must show, not pass for a portal fault.
      if (!res.headersSent)
        send(res, 599, { error: text('Lỗi trong mock.', 'Bug in the mock.'), detail: String(e) });
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;

  return {
    url: `http://${host}:${address.port}`,
    paths,
    credentials,
    state,
    faults,
    close: () =>
      new Promise<void>((resolve) => {
        for (const t of timers) clearTimeout(t);
        timers.clear();
        server.close(() => resolve());
        for (const s of sockets) s.destroy();
      }),
  };
}
