import { createHash } from 'node:crypto';
import { checkRate, type SynthesisRequest, type SynthesisResult, type TtsEngine } from './engine.ts';
import { TtsError } from './errors.ts';

/**
 * A voice for tests that are about who may do what, not about speech: a real TtsEngine that needs
 * no program (no espeak-ng, no ffmpeg), so those tests run everywhere. It "speaks" silence, as long
 * as the text would take to read (0.3 s a word), and answers both as PCM WAV and as a broadcast
 * MP3 written here: MPEG-2 Layer III frames, 22.05 kHz mono 32 kbps, whose side information
 * declares no audio data (silence). Each first frame's ancillary bytes carry the text's hash, so
 * different texts give different files, and the same text the same one, as with a real voice.
 * The speech tests (speech.integration.test.ts) check the real engine; test-voice.test.ts checks
 * these files with ffprobe and ffmpeg where they are installed.
 */

const SAMPLE_RATE = 22_050;
const SAMPLES_PER_FRAME = 576; // MPEG-2 Layer III: one granule of 576 samples
const FRAME_BYTES = 104; // 72 × 32 000 ÷ 22 050, rounded down (padding bit off)
// Sync, MPEG-2, Layer III, no CRC · 32 kbps, 22.05 kHz, no padding · mono, no emphasis.
const HEADER = Buffer.from([0xff, 0xf3, 0x40, 0xc0]);
const SIDE_INFO_BYTES = 9; // MPEG-2 mono: main_data_begin 0 and a granule with no Huffman data
const SECONDS_PER_WORD = 0.3;
const WAV_RATE = 8_000;

function mp3Frames(frames: number, mark: string): Buffer {
  const out = Buffer.alloc(frames * FRAME_BYTES);
  for (let i = 0; i < frames; i++) HEADER.copy(out, i * FRAME_BYTES);
  // Ancillary data after the empty main data: decoders skip it; hex digits never look like a sync word.
  out.write(mark, HEADER.length + SIDE_INFO_BYTES, 'ascii');
  return out;
}

function silentWav(seconds: number): Buffer {
  const dataBytes = Math.round(seconds * WAV_RATE) * 2;
  const wav = Buffer.alloc(44 + dataBytes);
  wav.write('RIFF', 0, 'ascii');
  wav.writeUInt32LE(36 + dataBytes, 4);
  wav.write('WAVEfmt ', 8, 'ascii');
  wav.writeUInt32LE(16, 16);
  wav.writeUInt16LE(1, 20); // PCM
  wav.writeUInt16LE(1, 22); // mono
  wav.writeUInt32LE(WAV_RATE, 24);
  wav.writeUInt32LE(WAV_RATE * 2, 28);
  wav.writeUInt16LE(2, 32);
  wav.writeUInt16LE(16, 34);
  wav.write('data', 36, 'ascii');
  wav.writeUInt32LE(dataBytes, 40);
  return wav;
}

export function createTestVoice(): TtsEngine {
  return {
    id: 'test-voice',
    voices: [
      {
        id: 'vi',
        language: 'vi',
        region: 'north',
        label: { vi: 'Giọng thử (im lặng)', en: 'Test voice (silent)' },
      },
    ],
    defaultVoice: 'vi',
    async synthesize({ text, voice = 'vi', rate = 1 }: SynthesisRequest): Promise<SynthesisResult> {
      const spoken = text.normalize('NFC').trim();
      if (!spoken) throw new TtsError('empty-text', 'nothing to say: the text is empty');
      const words = spoken.split(/\s+/).length;
      const wanted = (words * SECONDS_PER_WORD) / checkRate(rate);
      const frames = Math.max(1, Math.ceil((wanted * SAMPLE_RATE) / SAMPLES_PER_FRAME));
      const durationSeconds = (frames * SAMPLES_PER_FRAME) / SAMPLE_RATE;
      const mark = createHash('sha256').update(`${voice}\n${spoken}`).digest('hex');
      const data = mp3Frames(frames, mark);
      return {
        wav: silentWav(durationSeconds),
        sampleRate: WAV_RATE,
        durationSeconds,
        engine: 'test-voice',
        voice,
        broadcast: {
          data,
          format: 'mp3',
          mimeType: 'audio/mpeg',
          extension: '.mp3',
          durationSeconds,
          bitrateKbps: (data.length * 8) / durationSeconds / 1000,
          sha256: createHash('sha256').update(data).digest('hex'),
        },
      };
    },
  };
}
