import type { Config } from '#platform/config.ts';

/**
 * The portal's integration adapter, as docs/integrations/dvcqg.md describes it: JSON over POST, a
 * session from the session path carried in every later body with the sending agency's code
 * (`madonvi`), `error_code` 0 for success (compared as a number: clients have seen 0, "0" and "00").
 *
 * Two kinds of failure, because they call for different things:
 * - `PortalUnreachable`: no usable answer (refused connection, time-out, HTTP ≠ 200, a connection cut
 *   mid-answer, not JSON, the session refused). The outcome of the call is unknown: the portal may
 *   have done it. The worker backs off, and stops calling for a while (the breaker).
 * - an answer with `error_code` ≠ 0: the portal said no. The caller decides what it means.
 */

export interface PortalSettings {
  url: string;
  username: string;
  password: string;
  dstcode: string | undefined;
  paths: { auth: string; integration: string; share: string };
  timeoutMs: number;
}

export function portalSettings(config: Config): PortalSettings | undefined {
  if (!config.DVCQG_URL || !config.DVCQG_USERNAME || !config.DVCQG_PASSWORD) return undefined;
  return {
    url: config.DVCQG_URL.replace(/\/$/, ''),
    username: config.DVCQG_USERNAME,
    password: config.DVCQG_PASSWORD,
    dstcode: config.DVCQG_DSTCODE,
    paths: {
      auth: config.DVCQG_AUTH_PATH,
      integration: config.DVCQG_INTEGRATION_PATH,
      share: config.DVCQG_SHARE_PATH,
    },
    timeoutMs: config.DVCQG_TIMEOUT_MS,
  };
}

export type Answer = Record<string, unknown> & { error_code: number; message?: unknown };

export class PortalUnreachable extends Error {
  constructor(
    readonly service: string,
    message: string,
  ) {
    super(message);
  }
}

/** The session error the mock answers (−2); the real portal's is not known (see the document). */
export const SESSION_ERROR = -2;

function describe(e: unknown): string {
  const err = e as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (err?.name === 'TimeoutError' || err?.name === 'AbortError') return 'hết thời gian chờ / timed out';
  const cause = err?.cause?.code ?? err?.cause?.message;
  return `${err?.message ?? String(e)}${cause ? ` (${cause})` : ''}`;
}

export class PortalClient {
  private session: string | undefined;
  private login_: Promise<string> | undefined;

  constructor(readonly settings: PortalSettings) {}

  private async post(path: string, body: Record<string, unknown>, service: string): Promise<Answer> {
    let text: string;
    try {
      const res = await fetch(`${this.settings.url}${path}`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          accept: 'application/json',
          charset: 'utf-8',
          ...(this.settings.dstcode ? { dstcode: this.settings.dstcode } : {}),
        },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(this.settings.timeoutMs),
      });
      text = await res.text();
      if (res.status !== 200) throw new PortalUnreachable(service, `HTTP ${res.status}`);
    } catch (e) {
      if (e instanceof PortalUnreachable) throw e;
      throw new PortalUnreachable(service, describe(e));
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new PortalUnreachable(service, 'câu trả lời không phải JSON / the answer is not JSON');
    }
    const code = Number((json as { error_code?: unknown } | null)?.error_code);
    if (!json || typeof json !== 'object' || !Number.isFinite(code)) {
      throw new PortalUnreachable(service, 'câu trả lời thiếu error_code / the answer has no error_code');
    }
    return { ...(json as Record<string, unknown>), error_code: code };
  }

  /** One session for every call of this process, asked for once at a time. */
  private login(): Promise<string> {
    this.login_ ??= (async () => {
      try {
        const answer = await this.post(
          this.settings.paths.auth,
          { username: this.settings.username, password: this.settings.password },
          'login',
        );
        if (answer.error_code !== 0 || typeof answer.session !== 'string' || !answer.session) {
          throw new PortalUnreachable(
            'login',
            `cổng từ chối cấp phiên / the portal refused a session: ${String(answer.message ?? answer.error_code)}`,
          );
        }
        this.session = answer.session;
        return answer.session;
      } finally {
        this.login_ = undefined;
      }
    })();
    return this.login_;
  }

  /**
   * One call after the session: `{session, madonvi, service, ...fields}` to the integration or the
   * sharing path. A session error is answered by logging in again once and repeating the call.
   */
  async call(
    where: 'integration' | 'share',
    service: string,
    madonvi: string,
    fields: Record<string, unknown> = {},
  ): Promise<Answer> {
    for (let tries = 0; ; tries++) {
      const session = this.session ?? (await this.login());
      const answer = await this.post(
        this.settings.paths[where],
        { session, madonvi, service, ...fields },
        service,
      );
      if (answer.error_code === SESSION_ERROR && tries === 0) {
        if (this.session === session) this.session = undefined;
        continue;
      }
      return answer;
    }
  }
}

export function messageOf(answer: Answer): string {
  return typeof answer.message === 'string' && answer.message
    ? answer.message
    : `error_code ${answer.error_code}`;
}
