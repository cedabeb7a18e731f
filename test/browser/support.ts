/**
 * End-to-end browser tests: the real server (`src/main.ts`) as a child process on a free port with a
 * fresh data directory, driven by Debian's Chromium through playwright-core.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before } from 'node:test';
import { fileURLToPath } from 'node:url';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
/** Debian's Chromium; CHROMIUM_PATH points elsewhere (another distribution, a Mac). */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
/** The demo staff seeded with DEMO_SEED=true (src/app/demo.ts). */
export const DEMO_PASSWORD = 'xaso-demo-2026';
/** A phone: what most people in the communes use. */
export const PHONE_VIEWPORT = { width: 360, height: 740 };

const STARTUP_TIMEOUT_MS = 90_000;
const STOP_TIMEOUT_MS = 10_000;
const OUTPUT_LIMIT = 64 * 1024;

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
  '--no-first-run',
];

// ---------------------------------------------------------------------------------------------
// Chromium

/**
 * Why the browser tests cannot run here, or undefined when they can. Without Chromium a developer's
 * run skips them; a CI run (CI=true) does not skip, and `launchBrowser` fails it with the reason.
 */
export function browserSkipReason(): string | undefined {
  if (fs.existsSync(CHROMIUM_PATH)) return undefined;
  if (process.env.CI === 'true') return undefined;
  return `Chromium not found at ${CHROMIUM_PATH} (apt-get install chromium, or set CHROMIUM_PATH); browser tests skipped. With CI=true this is a failure.`;
}

export async function launchBrowser(): Promise<Browser> {
  if (!fs.existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `Chromium not found at ${CHROMIUM_PATH}: the browser tests cannot run. Install Debian's chromium package in the CI image (CI=true makes a missing browser a failure, not a skip).`,
    );
  }
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
}

/**
 * A fresh browser context (own cookies, empty cache) on a phone-sized screen, in Vietnamese.
 * `javaScript: false` is a browser with scripting off: every journey must still work.
 */
export function newContext(
  browser: Browser,
  opts: { javaScript?: boolean; baseURL?: string } = {},
): Promise<BrowserContext> {
  return browser.newContext({
    javaScriptEnabled: opts.javaScript ?? true,
    viewport: PHONE_VIEWPORT,
    isMobile: true,
    hasTouch: true,
    deviceScaleFactor: 1,
    locale: 'vi-VN',
    timezoneId: 'Asia/Ho_Chi_Minh',
    ...(opts.baseURL ? { baseURL: opts.baseURL } : {}),
  });
}

export interface TransferredResource {
  url: string;
  /** CDP resource type: Document, Stylesheet, Script, Font, Image, … */
  type: string;
  status: number | undefined;
  /** Content-Encoding of the response ('br', 'gzip', or '' when sent as is). */
  encoding: string;
  /** Bytes over the wire, headers included, compressed as sent. */
  bytes: number;
  /** Why the request failed (Chromium's net error), when it did. */
  failed?: string;
}

export interface PageLoadTransfer {
  total: number;
  resources: TransferredResource[];
  /** The Accept-Encoding header the browser sent for the document. */
  acceptEncoding: string | undefined;
}

/** Where the journeys' screenshots go (`.artefacts/` is ignored by git; CI may keep it). */
export const SCREENSHOTS_DIR = path.join(ROOT, '.artefacts', 'screenshots');

/**
 * A journey's screenshots, at the phone's width, numbered in the order taken:
 * `.artefacts/screenshots/<journey>/01-<step>.png`. Made afresh each run.
 */
export function screenshots(journey: string) {
  const dir = path.join(SCREENSHOTS_DIR, journey);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  let n = 0;
  return async (page: Page, step: string) => {
    n += 1;
    await page.screenshot({
      path: path.join(dir, `${String(n).padStart(2, '0')}-${step}.png`),
      fullPage: true,
    });
  };
}

/**
 * Load `url` in `page` with the HTTP cache off and add up the bytes that came over the network for
 * every request the load made (document, stylesheets, scripts, fonts, images), as Chromium counts
 * them (`Network.loadingFinished.encodedDataLength`). The browser negotiates compression itself.
 */
export async function measurePageLoad(page: Page, url: string): Promise<PageLoadTransfer> {
  const cdp = await page.context().newCDPSession(page);
  const seen = new Map<string, TransferredResource>();
  const pending = new Set<string>();
  let acceptEncoding: string | undefined;
  const redirects: TransferredResource[] = [];
  cdp.on('Network.requestWillBeSent', (e) => {
    // A redirect reuses the request's id: keep the redirect response's bytes as their own entry.
    const previous = seen.get(e.requestId);
    if (previous && e.redirectResponse) {
      redirects.push({
        ...previous,
        status: e.redirectResponse.status,
        bytes: e.redirectResponse.encodedDataLength,
      });
    }
    pending.add(e.requestId);
    seen.set(e.requestId, {
      url: e.request.url,
      type: e.type ?? 'Other',
      status: undefined,
      encoding: '',
      bytes: 0,
    });
  });
  cdp.on('Network.requestWillBeSentExtraInfo', (e) => {
    const header = Object.entries(e.headers).find(([k]) => k.toLowerCase() === 'accept-encoding');
    if (header && acceptEncoding === undefined) acceptEncoding = String(header[1]);
  });
  cdp.on('Network.responseReceived', (e) => {
    const r = seen.get(e.requestId);
    if (!r) return;
    r.status = e.response.status;
    const enc = Object.entries(e.response.headers).find(([k]) => k.toLowerCase() === 'content-encoding');
    r.encoding = enc ? String(enc[1]) : '';
  });
  cdp.on('Network.loadingFinished', (e) => {
    const r = seen.get(e.requestId);
    if (r) r.bytes = e.encodedDataLength;
    pending.delete(e.requestId);
  });
  cdp.on('Network.loadingFailed', (e) => {
    const r = seen.get(e.requestId);
    if (r) r.failed = e.canceled ? 'canceled' : e.errorText;
    pending.delete(e.requestId);
  });
  await cdp.send('Network.enable');
  await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
  try {
    await page.goto(url, { waitUntil: 'load' });
    // Late requests (fonts, lazy images, the favicon) start after `load`: wait until the network
    // has been quiet for half a second.
    const deadline = Date.now() + 5_000;
    let quietSince = Date.now();
    while (Date.now() < deadline) {
      if (pending.size > 0) quietSince = Date.now();
      else if (Date.now() - quietSince >= 500) break;
      await sleep(50);
    }
    if (pending.size > 0) {
      const urls = [...pending].map((id) => seen.get(id)?.url);
      throw new Error(`requests still pending 5 s after load: ${urls.join(', ')}`);
    }
  } finally {
    await cdp.send('Network.setCacheDisabled', { cacheDisabled: false }).catch(() => {});
    await cdp.detach().catch(() => {});
  }
  const resources = [...redirects, ...seen.values()];
  return { total: resources.reduce((n, r) => n + r.bytes, 0), resources, acceptEncoding };
}

// ---------------------------------------------------------------------------------------------
// The server

export interface RunningServer {
  /** http://127.0.0.1:PORT, no trailing slash. */
  url: string;
  dataDir: string;
  /** What the server printed (stdout and stderr, the last 64 KB), for failure messages. */
  output(): string;
  /** pino log lines at level error (50) or above. */
  errorLogs(): string[];
  /** SIGTERM, then SIGKILL after 10 s; removes the data directory. Resolves to the exit code or signal. */
  stop(): Promise<number | string>;
  /** SIGKILL at once, as a power cut would (crash tests); removes the data directory. */
  crash(): Promise<number | string>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      srv.close(() => (port ? resolve(port) : reject(new Error('no free port'))));
    });
  });
}

/** Passed through from the test's environment; everything else the server sees is set here. */
const PASSED_ENV = ['PATH', 'HOME', 'TMPDIR', 'LANG', 'TZ', 'DATABASE_URL'];

/**
 * Start `tsx src/main.ts` with a fresh DATA_DIR and the demo seed, under the node running the tests,
 * and wait until GET /healthz answers 200. The first start imports every administrative unit, so it
 * may take a while.
 */
export async function startServer(opts: { env?: Record<string, string> } = {}): Promise<RunningServer> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'xaso-browser-'));
  const port = await freePort();
  const env: Record<string, string> = {};
  for (const k of PASSED_ENV) {
    const v = process.env[k];
    if (v) env[k] = v;
  }
  Object.assign(env, {
    DATA_DIR: dataDir,
    HOST: '127.0.0.1',
    PORT: String(port),
    PUBLIC_URL: `http://127.0.0.1:${port}`,
    LOG_LEVEL: 'warn',
    DEMO_SEED: 'true',
    ...opts.env,
  });

  const tsxCli = path.join(ROOT, 'node_modules/tsx/dist/cli.mjs');
  // Its own process group, so a stuck server and tsx's child can be killed together.
  const child = spawn(process.execPath, [tsxCli, 'src/main.ts'], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let output = '';
  const collect = (chunk: Buffer) => {
    output += chunk.toString('utf8');
    if (output.length > OUTPUT_LIMIT) output = output.slice(-OUTPUT_LIMIT);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const exited = new Promise<number | string>((resolve) =>
    child.once('exit', (code, signal) => resolve(code ?? signal ?? 'unknown')),
  );
  let exitedWith: number | string | undefined;
  void exited.then((c) => {
    exitedWith = c;
  });

  // If the test process ends without `stop()` (a crash, Ctrl-C), do not leave a server behind.
  const killGroup = () => {
    if (exitedWith !== undefined || child.pid === undefined) return;
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  };
  const onSignal = (signal: NodeJS.Signals) => {
    killGroup();
    fs.rmSync(dataDir, { recursive: true, force: true });
    process.kill(process.pid, signal);
  };
  process.once('exit', killGroup);
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  const url = `http://127.0.0.1:${port}`;
  let stopped = false;
  const server: RunningServer = {
    url,
    dataDir,
    output: () => output,
    errorLogs: () =>
      output.split('\n').filter((line) => {
        if (!line.startsWith('{')) return false;
        try {
          return ((JSON.parse(line) as { level?: number }).level ?? 0) >= 50;
        } catch {
          return false;
        }
      }),
    async stop() {
      if (stopped) return exited;
      stopped = true;
      process.removeListener('exit', killGroup);
      process.removeListener('SIGINT', onSignal);
      process.removeListener('SIGTERM', onSignal);
      if (exitedWith === undefined && child.pid !== undefined) {
        child.kill('SIGTERM'); // tsx relays it to the server, which closes the database cleanly
        const result = await Promise.race([exited, sleep(STOP_TIMEOUT_MS).then(() => 'timeout' as const)]);
        if (result === 'timeout') {
          killGroup();
          await exited;
        }
      }
      fs.rmSync(dataDir, { recursive: true, force: true });
      return exited;
    },
    async crash() {
      stopped = true;
      process.removeListener('exit', killGroup);
      process.removeListener('SIGINT', onSignal);
      process.removeListener('SIGTERM', onSignal);
      killGroup();
      const code = await exited;
      fs.rmSync(dataDir, { recursive: true, force: true });
      return code;
    },
  };

  const deadline = Date.now() + STARTUP_TIMEOUT_MS;
  let lastProblem = 'no answer yet';
  while (Date.now() < deadline) {
    if (exitedWith !== undefined) {
      await server.stop();
      throw new Error(`the server exited (${exitedWith}) before it was healthy. Its output:\n${output}`);
    }
    try {
      const res = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(2_000) });
      if (res.status === 200) return server;
      lastProblem = `GET /healthz answered ${res.status}`;
    } catch (e) {
      lastProblem = e instanceof Error ? e.message : String(e);
    }
    await sleep(250);
  }
  await server.stop();
  throw new Error(
    `the server was not healthy within ${STARTUP_TIMEOUT_MS / 1000} s (${lastProblem}). Its output:\n${output}`,
  );
}

function sleep(ms: number) {
  return new Promise<void>((resolve) => setTimeout(resolve, ms));
}

/**
 * Chromium and the real server for one describe block: started before its tests, closed after
 * them, and the server must then exit cleanly. Pages open in fresh contexts on the server's URL.
 */
export function browserSession() {
  let browser: Browser | undefined;
  let server: RunningServer | undefined;
  const contexts: BrowserContext[] = [];
  before(async () => {
    browser = await launchBrowser();
    server = await startServer();
  });
  after(async () => {
    for (const c of contexts) await c.close().catch(() => {});
    await browser?.close();
    if (server) assert.equal(await server.stop(), 0, `the server did not stop cleanly:\n${server.output()}`);
  });
  return {
    get server(): RunningServer {
      if (!server) throw new Error('the server is not started yet');
      return server;
    },
    async openPage(javaScript: boolean): Promise<Page> {
      if (!browser || !server) throw new Error('the browser is not started yet');
      const context = await newContext(browser, { javaScript, baseURL: server.url });
      contexts.push(context);
      return context.newPage();
    },
  };
}
