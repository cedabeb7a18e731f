import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';

/** Where sound goes. A real speaker runs a player program; tests and simulations write a log. */
export interface PlayRequest {
  /** Path of the cached audio file. */
  file: string;
  durationMs: number;
  volume: number;
  /** What is playing, for the log: entry id or command id with repeat number. */
  id: string;
  sha256: string;
  priority: string;
  signal: AbortSignal;
}

export type PlayResult = 'completed' | 'interrupted' | 'failed';

export interface AudioSink {
  play(req: PlayRequest): Promise<PlayResult>;
}

export interface SinkEvent {
  at: string;
  event: 'start' | 'end';
  id: string;
  sha256: string;
  priority: string;
  volume: number;
  outcome?: PlayResult;
}

function waitOrAbort(ms: number, signal: AbortSignal): Promise<PlayResult> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve('interrupted');
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve('completed');
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      resolve('interrupted');
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * "Plays" for the audio's real duration and writes one JSON line per start and end, with
 * timestamps: what a listener in the village would have heard, and when.
 */
export class LogSink implements AudioSink {
  readonly events: SinkEvent[] = [];

  constructor(private readonly file?: string) {}

  async record(e: SinkEvent) {
    this.events.push(e);
    if (this.file) await fs.appendFile(this.file, `${JSON.stringify(e)}\n`);
  }

  async play(req: PlayRequest): Promise<PlayResult> {
    const base = { id: req.id, sha256: req.sha256, priority: req.priority, volume: req.volume };
    await this.record({ at: new Date().toISOString(), event: 'start', ...base });
    const outcome = await waitOrAbort(req.durationMs, req.signal);
    await this.record({ at: new Date().toISOString(), event: 'end', ...base, outcome });
    return outcome;
  }
}

/**
 * Runs a player program per play, e.g. `ffplay -nodisp -autoexit -loglevel quiet -volume {volume100} {file}`
 * or `mpv --no-video --volume={volume} {file}`; killed at once on pre-emption.
 */
export class CommandSink implements AudioSink {
  constructor(private readonly template: string) {}

  play(req: PlayRequest): Promise<PlayResult> {
    const [cmd, ...args] = this.template
      .split(/\s+/)
      .filter(Boolean)
      .map((a) =>
        a
          .replaceAll('{file}', req.file)
          .replaceAll('{volume}', String(req.volume))
          .replaceAll('{volume100}', String(Math.round(req.volume))),
      );
    if (!cmd) return Promise.resolve('failed');
    return new Promise((resolve) => {
      if (req.signal.aborted) return resolve('interrupted');
      const child = spawn(cmd, args, { stdio: 'ignore' });
      const onAbort = () => child.kill('SIGKILL');
      req.signal.addEventListener('abort', onAbort, { once: true });
      child.on('error', () => resolve('failed'));
      child.on('close', (code) => {
        req.signal.removeEventListener('abort', onAbort);
        resolve(req.signal.aborted ? 'interrupted' : code === 0 ? 'completed' : 'failed');
      });
    });
  }
}

/** Both: the player plays, the log records. */
export class TeeSink implements AudioSink {
  constructor(
    private readonly main: AudioSink,
    private readonly log: LogSink,
  ) {}

  async play(req: PlayRequest): Promise<PlayResult> {
    const base = { id: req.id, sha256: req.sha256, priority: req.priority, volume: req.volume };
    await this.log.record({ at: new Date().toISOString(), event: 'start', ...base });
    const outcome = await this.main.play(req);
    await this.log.record({ at: new Date().toISOString(), event: 'end', ...base, outcome });
    return outcome;
  }
}
