import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import type { Db } from '#platform/db/client.ts';
import { Invalid } from '#platform/errors.ts';
import type { FileService } from '#platform/storage/index.ts';
import * as bulletinDb from './broadcast.bulletins.queries.ts';
import {
  detectLanguageMix,
  type EncodedAudio,
  type EncodeOptions,
  encodeForBroadcast,
  renderSpeech,
  type TtsEngine,
  TtsError,
} from './tts/index.ts';
import { runTool } from './tts/run-tool.ts';
import { readWavInfo, repairStreamedWav } from './tts/wav.ts';

/** What the broadcast services need besides the request context. */
export interface BroadcastDeps {
  tts: TtsEngine;
  files: FileService;
  /** Base of the URLs devices download audio from. */
  publicUrl: string;
  encode?: EncodeOptions;
}

export interface StoredAudio {
  source: 'tts' | 'upload';
  fileId: string;
  sha256: string;
  sha1: string;
  bytes: number;
  durationMs: number;
  format: 'opus' | 'mp3';
  mime: string;
  kbps: number;
  spokenText: string | null;
  voice: string | null;
}

/** The bulletin columns that describe its audio. */
export function audioColumns(a: StoredAudio) {
  return {
    audioSource: a.source,
    audioFileId: a.fileId,
    audioSha256: a.sha256,
    audioSha1: a.sha1,
    audioBytes: a.bytes,
    audioDurationMs: a.durationMs,
    audioFormat: a.format,
    audioMime: a.mime,
    audioKbps: a.kbps,
    spokenText: a.spokenText,
    voice: a.voice,
  };
}

/** A recording longer than this is a programme, not a bulletin. */
export const MAX_UPLOAD_SECONDS = 15 * 60;

/**
 * One language per bulletin (DOMAIN.md: mixed text breaks speech). The text is always checked;
 * when it will be spoken by the voice, it must also be Vietnamese, typed with its diacritics.
 */
export function checkBulletinText(body: string, field: string, forSpeech: boolean) {
  const r = detectLanguageMix(body);
  if (r.mixed) {
    const quoted = r.spans.map((s) => `"${s}"`).join(', ');
    throw new Invalid([
      {
        field,
        vi: `Mỗi bản tin chỉ dùng một ngôn ngữ. Đoạn sau không phải tiếng Việt: ${quoted}. Hãy bỏ đi hoặc làm một bản tin riêng.`,
        en: `One language per bulletin. This passage is not Vietnamese: ${quoted}. Remove it or make a separate bulletin.`,
      },
    ]);
  }
  if (forSpeech && r.dominant === 'foreign') {
    throw new Invalid([
      {
        field,
        vi: 'Giọng đọc chỉ đọc tiếng Việt. Với tiếng dân tộc hoặc tiếng nước ngoài, hãy tải lên bản ghi âm.',
        en: 'The voice reads Vietnamese only. For other languages, upload a recording.',
      },
    ]);
  }
  if (forSpeech && r.withoutDiacritics) {
    throw new Invalid([
      {
        field,
        vi: 'Văn bản chưa có dấu nên giọng đọc sẽ đọc sai. Hãy gõ tiếng Việt có dấu.',
        en: 'The text has no Vietnamese diacritics, so the voice would misread it. Please type it with diacritics.',
      },
    ]);
  }
}

/** Decodes any recording ffmpeg can read (phone m4a/amr, mp3, wav, ogg) to mono WAV. */
async function decodeUpload(data: Buffer, field: string, opts: EncodeOptions): Promise<Buffer> {
  const dir = await mkdtemp(join(tmpdir(), 'xaso-upload-'));
  try {
    const input = join(dir, 'upload');
    // A file, not a pipe: phone recordings (mp4/m4a) keep their index at the end and need seeking.
    await writeFile(input, data);
    const { stdout } = await runTool(
      opts.ffmpeg ?? 'ffmpeg',
      [
        '-hide_banner',
        '-loglevel',
        'error',
        '-i',
        input,
        '-vn',
        '-ac',
        '1',
        '-ar',
        '22050',
        '-f',
        'wav',
        'pipe:1',
      ],
      { timeoutMs: opts.timeoutMs ?? 120_000, installHint: 'Install the Debian package ffmpeg.' },
    );
    return repairStreamedWav(stdout);
  } catch (e) {
    if (e instanceof TtsError && (e.code === 'tool-failed' || e.code === 'bad-audio')) {
      throw new Invalid([
        {
          field,
          vi: 'Không đọc được tệp âm thanh này. Hãy ghi âm lại hoặc dùng tệp MP3, M4A, OGG, WAV.',
          en: 'This audio file cannot be read. Record again or use MP3, M4A, OGG or WAV.',
        },
      ]);
    }
    throw e;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function store(db: Db, files: FileService, audio: EncodedAudio, name: string): Promise<string> {
  // The encoder is bit-exact, so the same words in the same voice are stored once.
  const existing = await bulletinDb.findAudioFileBySha(db, audio.sha256);
  if (existing) return existing;
  const saved = await files.save(Readable.from([audio.data]), {
    originalName: `${name}${audio.extension}`,
    field: 'audio',
    allowed: [audio.mimeType],
  });
  return saved.id;
}

function facts(
  audio: EncodedAudio,
  fileId: string,
  more: Pick<StoredAudio, 'source' | 'spokenText' | 'voice'>,
) {
  return {
    ...more,
    fileId,
    sha256: audio.sha256,
    // CAP's <digest> is SHA-1.
    sha1: createHash('sha1').update(audio.data).digest('hex'),
    bytes: audio.data.length,
    durationMs: Math.max(1, Math.round(audio.durationSeconds * 1000)),
    format: audio.format,
    mime: audio.mimeType,
    kbps: Math.round(audio.bitrateKbps * 10) / 10,
  } satisfies StoredAudio;
}

/** Text → normalised words → speech → Opus, stored. */
export async function speak(
  db: Db,
  deps: BroadcastDeps,
  text: string,
  voice: string | undefined,
): Promise<StoredAudio> {
  if (voice && !deps.tts.voices.some((v) => v.id === voice)) {
    throw new Invalid([{ field: 'voice', vi: 'Giọng đọc không có.', en: 'Unknown voice.' }]);
  }
  const r = await renderSpeech(deps.tts, text, { voice, encode: deps.encode });
  const fileId = await store(db, deps.files, r.audio, `ban-tin-${r.audio.sha256.slice(0, 12)}`);
  return facts(r.audio, fileId, { source: 'tts', spokenText: r.spokenText, voice: r.voice });
}

/** An uploaded recording → checked by decoding it whole → Opus, stored. */
export async function transcodeUpload(db: Db, deps: BroadcastDeps, data: Buffer): Promise<StoredAudio> {
  const wav = await decodeUpload(data, 'audio', deps.encode ?? {});
  const info = readWavInfo(wav);
  if (info.durationSeconds < 0.5) {
    throw new Invalid([{ field: 'audio', vi: 'Bản ghi âm quá ngắn.', en: 'The recording is too short.' }]);
  }
  if (info.durationSeconds > MAX_UPLOAD_SECONDS) {
    throw new Invalid([
      {
        field: 'audio',
        vi: `Bản ghi âm dài quá ${MAX_UPLOAD_SECONDS / 60} phút.`,
        en: `The recording is longer than ${MAX_UPLOAD_SECONDS / 60} minutes.`,
      },
    ]);
  }
  const audio = await encodeForBroadcast(wav, deps.encode);
  const fileId = await store(db, deps.files, audio, `ghi-am-${audio.sha256.slice(0, 12)}`);
  return facts(audio, fileId, { source: 'upload', spokenText: null, voice: null });
}
