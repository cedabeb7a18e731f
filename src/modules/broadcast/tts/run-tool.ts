import { spawn } from 'node:child_process';
import { TtsError } from './errors.ts';

export interface RunToolOptions {
  /** Written to the program's stdin, which is then closed. */
  input?: Buffer | string;
  timeoutMs: number;
  /** Guards memory against a runaway program; stdout beyond this kills it. */
  maxStdoutBytes?: number;
  signal?: AbortSignal;
  /** Told to the operator when the program is missing, e.g. "apt-get install espeak-ng". */
  installHint: string;
}

export interface RunToolResult {
  stdout: Buffer;
  stderr: string;
}

const STDERR_KEEP = 4_000;
const DEFAULT_MAX_STDOUT = 200 * 1024 * 1024;

/**
 * Runs an external program without a shell (arguments are never parsed by one, so bulletin text
 * cannot inject commands) and resolves with its stdout when it exits with 0. Every other outcome
 * rejects with a TtsError whose message says what to do about it.
 */
export function runTool(
  binary: string,
  args: readonly string[],
  options: RunToolOptions,
): Promise<RunToolResult> {
  const { input, timeoutMs, signal, installHint } = options;
  const maxStdout = options.maxStdoutBytes ?? DEFAULT_MAX_STDOUT;
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(new TtsError('aborted', `${binary} was not started: the request was cancelled`));
      return;
    }
    const child = spawn(binary, args, { stdio: ['pipe', 'pipe', 'pipe'], windowsHide: true });
    const chunks: Buffer[] = [];
    let stdoutBytes = 0;
    let stderr = '';
    let failure: TtsError | undefined;

    const fail = (error: TtsError) => {
      if (failure) return;
      failure = error;
      child.kill('SIGKILL');
    };
    const timer = setTimeout(
      () => fail(new TtsError('timeout', `${binary} did not finish within ${timeoutMs} ms and was stopped`)),
      timeoutMs,
    );
    const onAbort = () => fail(new TtsError('aborted', `${binary} was stopped: the request was cancelled`));
    signal?.addEventListener('abort', onAbort, { once: true });
    const cleanUp = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    };

    child.stdout.on('data', (chunk: Buffer) => {
      stdoutBytes += chunk.length;
      if (stdoutBytes > maxStdout) {
        fail(
          new TtsError('output-too-large', `${binary} wrote more than ${maxStdout} bytes and was stopped`),
        );
        return;
      }
      chunks.push(chunk);
    });
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      stderr = (stderr + chunk).slice(-STDERR_KEEP);
    });
    // A program that exits before reading all its input closes the pipe; its exit status tells why.
    child.stdin.on('error', () => {});

    child.on('error', (error: NodeJS.ErrnoException) => {
      cleanUp();
      if (error.code === 'ENOENT' || error.code === 'EACCES') {
        reject(
          new TtsError(
            'tool-missing',
            `${binary} was not found or is not executable (${error.code}). ${installHint}`,
            {
              cause: error,
            },
          ),
        );
      } else {
        reject(
          new TtsError('tool-failed', `${binary} could not be started: ${error.message}`, { cause: error }),
        );
      }
    });
    child.on('close', (code, killedBy) => {
      cleanUp();
      if (failure) {
        reject(failure);
      } else if (code === 0) {
        resolve({ stdout: Buffer.concat(chunks), stderr });
      } else {
        const why = code === null ? `was killed by ${killedBy}` : `exited with status ${code}`;
        const detail = stderr.trim() ? `: ${stderr.trim()}` : '';
        reject(new TtsError('tool-failed', `${binary} ${why}${detail}`));
      }
    });

    if (input === undefined) child.stdin.end();
    else child.stdin.end(input);
  });
}
