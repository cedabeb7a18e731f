import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TtsError } from './errors.ts';
import { runTool } from './run-tool.ts';
import { readWavInfo } from './wav.ts';

/**
 * Speech for loudspeakers travels as small files pushed ahead of time over 4G (DOMAIN: Opus
 * 16 kbps). Opus in Ogg at 16–24 kbps mono is the target; if this ffmpeg lacks libopus, MP3 at
 * 32 kbps is the fallback every speaker firmware can play. The output is checked by decoding it
 * completely before it is handed on: a broken file found at 3 a.m. on a hill is too late.
 */

export type BroadcastFormat = 'opus' | 'mp3';

export interface EncodeOptions {
  ffmpeg?: string;
  ffprobe?: string;
  /** Opus target bitrate, 16–24 kbps. The MP3 fallback is always 32 kbps. */
  opusKbps?: number;
  timeoutMs?: number;
  signal?: AbortSignal;
}

export interface EncodedAudio {
  data: Buffer;
  format: BroadcastFormat;
  mimeType: 'audio/ogg; codecs=opus' | 'audio/mpeg';
  extension: '.ogg' | '.mp3';
  durationSeconds: number;
  /** Measured over the whole file, container included: bytes × 8 ÷ duration. */
  bitrateKbps: number;
  /** Hex SHA-256 of `data`; output is bit-exact, so the same speech gives the same hash. */
  sha256: string;
}

export interface AudioProbe {
  codec: string;
  container: string;
  durationSeconds: number;
  /** As ffprobe reports it, in kbps. */
  bitrateKbps: number;
  sampleRate: number;
  channels: number;
}

const FFMPEG_HINT = 'Install the Debian package ffmpeg (apt-get install ffmpeg).';
const DEFAULT_TIMEOUT_MS = 60_000;
const OPUS_MIN_KBPS = 16;
const OPUS_MAX_KBPS = 24;

const FORMATS = {
  opus: { mimeType: 'audio/ogg; codecs=opus', extension: '.ogg', muxer: 'ogg' },
  mp3: { mimeType: 'audio/mpeg', extension: '.mp3', muxer: 'mp3' },
} as const;

export interface EncoderSupport {
  opus: boolean;
  mp3: boolean;
}

// One probe per ffmpeg binary for the life of the process; a failed probe is forgotten so that
// installing ffmpeg fixes the next attempt without a restart.
const encoderProbes = new Map<string, Promise<EncoderSupport>>();

/** Which of our encoders this ffmpeg was built with (`ffmpeg -encoders`). */
export function findEncoders(ffmpeg = 'ffmpeg', timeoutMs = DEFAULT_TIMEOUT_MS): Promise<EncoderSupport> {
  let probe = encoderProbes.get(ffmpeg);
  if (!probe) {
    probe = runTool(ffmpeg, ['-hide_banner', '-encoders'], { timeoutMs, installHint: FFMPEG_HINT }).then(
      ({ stdout }) => {
        const names = new Set(
          stdout
            .toString('utf8')
            .split('\n')
            .map((line) => line.trim().split(/\s+/)[1]),
        );
        return { opus: names.has('libopus'), mp3: names.has('libmp3lame') };
      },
    );
    encoderProbes.set(ffmpeg, probe);
    probe.catch(() => encoderProbes.delete(ffmpeg));
  }
  return probe;
}

function codecArgs(format: BroadcastFormat, opusKbps: number): string[] {
  if (format === 'opus') {
    // "voip" tunes Opus for speech intelligibility rather than music fidelity.
    return ['-c:a', 'libopus', '-b:a', `${opusKbps}k`, '-application', 'voip'];
  }
  // 22.05 kHz is the MPEG-2 rate that 32 kbps mono MP3 is designed for.
  return ['-c:a', 'libmp3lame', '-b:a', '32k', '-ar', '22050'];
}

async function withTempDir<T>(use: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'xaso-tts-'));
  try {
    return await use(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function numberField(value: unknown): number {
  const n = typeof value === 'string' || typeof value === 'number' ? Number(value) : Number.NaN;
  return Number.isFinite(n) ? n : 0;
}

/** ffprobe for the facts, then a full decode, so a file that only looks right is still refused. */
async function inspectFile(
  path: string,
  options: { ffmpeg: string; ffprobe: string; timeoutMs: number; signal?: AbortSignal },
): Promise<AudioProbe> {
  const { stdout } = await runTool(
    options.ffprobe,
    [
      '-v',
      'error',
      '-show_entries',
      'format=format_name,duration,bit_rate:stream=codec_name,sample_rate,channels',
      '-of',
      'json',
      path,
    ],
    { timeoutMs: options.timeoutMs, signal: options.signal, installHint: FFMPEG_HINT },
  );
  let parsed: { format?: Record<string, unknown>; streams?: Array<Record<string, unknown>> };
  try {
    parsed = JSON.parse(stdout.toString('utf8'));
  } catch (cause) {
    throw new TtsError('bad-audio', 'ffprobe did not return JSON', { cause });
  }
  const stream = parsed.streams?.[0];
  const format = parsed.format;
  if (!stream || !format) throw new TtsError('bad-audio', 'ffprobe found no audio stream');

  const decoded = await runTool(options.ffmpeg, ['-v', 'error', '-xerror', '-i', path, '-f', 'null', '-'], {
    timeoutMs: options.timeoutMs,
    signal: options.signal,
    installHint: FFMPEG_HINT,
  });
  if (decoded.stderr.trim())
    throw new TtsError('bad-audio', `the audio does not decode cleanly: ${decoded.stderr.trim()}`);

  return {
    codec: String(stream.codec_name ?? ''),
    container: String(format.format_name ?? ''),
    durationSeconds: numberField(format.duration),
    bitrateKbps: numberField(format.bit_rate) / 1000,
    sampleRate: numberField(stream.sample_rate),
    channels: numberField(stream.channels),
  };
}

/** Probes and fully decodes encoded audio, e.g. a file a speaker reported as unplayable. */
export function inspectAudio(
  data: Buffer,
  options: Pick<EncodeOptions, 'ffmpeg' | 'ffprobe' | 'timeoutMs' | 'signal'> = {},
): Promise<AudioProbe> {
  return withTempDir(async (dir) => {
    const path = join(dir, 'audio');
    await writeFile(path, data);
    return inspectFile(path, {
      ffmpeg: options.ffmpeg ?? 'ffmpeg',
      ffprobe: options.ffprobe ?? 'ffprobe',
      timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
      signal: options.signal,
    });
  });
}

/** WAV (from any engine) → mono Opus/Ogg, or MP3 when libopus is missing. */
export async function encodeForBroadcast(wav: Buffer, options: EncodeOptions = {}): Promise<EncodedAudio> {
  const ffmpeg = options.ffmpeg ?? 'ffmpeg';
  const ffprobe = options.ffprobe ?? 'ffprobe';
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const opusKbps = options.opusKbps ?? OPUS_MIN_KBPS;
  if (!Number.isInteger(opusKbps) || opusKbps < OPUS_MIN_KBPS || opusKbps > OPUS_MAX_KBPS) {
    throw new RangeError(
      `opusKbps must be an integer from ${OPUS_MIN_KBPS} to ${OPUS_MAX_KBPS}, got ${opusKbps}`,
    );
  }
  readWavInfo(wav); // refuse garbage before starting a process

  const encoders = await findEncoders(ffmpeg, timeoutMs);
  const format: BroadcastFormat | undefined = encoders.opus ? 'opus' : encoders.mp3 ? 'mp3' : undefined;
  if (!format) {
    throw new TtsError(
      'no-encoder',
      `${ffmpeg} has neither libopus nor libmp3lame; install the Debian package ffmpeg, which has both`,
    );
  }
  const { mimeType, extension, muxer } = FORMATS[format];

  return withTempDir(async (dir) => {
    const out = join(dir, `speech${extension}`);
    // The output goes to a file, not a pipe, so the muxer can write final sizes and ffprobe can
    // read the duration. "bitexact" drops the random Ogg serial and the encoder version tag.
    const args = [
      ...['-hide_banner', '-loglevel', 'error'],
      ...['-f', 'wav', '-i', 'pipe:0', '-ac', '1'],
      ...codecArgs(format, opusKbps),
      // Output options: placed before -i, -fflags would apply to the input instead.
      ...['-map_metadata', '-1', '-fflags', '+bitexact', '-flags:a', '+bitexact', '-f', muxer, '-y', out],
    ];
    await runTool(ffmpeg, args, { input: wav, timeoutMs, signal: options.signal, installHint: FFMPEG_HINT });
    const probe = await inspectFile(out, { ffmpeg, ffprobe, timeoutMs, signal: options.signal });
    const data = await readFile(out);
    if (probe.durationSeconds <= 0) throw new TtsError('bad-audio', 'the encoded audio has no duration');
    return {
      data,
      format,
      mimeType,
      extension,
      durationSeconds: probe.durationSeconds,
      bitrateKbps: (data.length * 8) / probe.durationSeconds / 1000,
      sha256: createHash('sha256').update(data).digest('hex'),
    };
  });
}
