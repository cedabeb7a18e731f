import { z } from 'zod';
import type { SynthesisRequest, SynthesisResult, TtsEngine, TtsVoice } from './engine.ts';
import { checkRate } from './engine.ts';
import { TtsError } from './errors.ts';
import { runTool } from './run-tool.ts';
import { readWavInfo, repairStreamedWav } from './wav.ts';

export const ESPEAK_VOICES: readonly TtsVoice[] = [
  {
    id: 'vi',
    language: 'vi',
    region: 'north',
    label: { vi: 'Giọng miền Bắc (eSpeak NG)', en: 'Northern (eSpeak NG)' },
  },
  {
    id: 'vi-vn-x-central',
    language: 'vi',
    region: 'central',
    label: { vi: 'Giọng miền Trung (eSpeak NG)', en: 'Central (eSpeak NG)' },
  },
  {
    id: 'vi-vn-x-south',
    language: 'vi',
    region: 'south',
    label: { vi: 'Giọng miền Nam (eSpeak NG)', en: 'Southern (eSpeak NG)' },
  },
];

export const espeakConfigSchema = z.object({
  engine: z.literal('espeak-ng'),
  /** A name looked up in PATH, or an absolute path. */
  binary: z.string().min(1).default('espeak-ng'),
  voice: z.enum(['vi', 'vi-vn-x-central', 'vi-vn-x-south']).default('vi'),
  // espeak-ng's own default is 175; outdoor horns echo between hills, and a slower pace survives it.
  wordsPerMinute: z.number().int().min(80).max(450).default(150),
  timeoutMs: z.number().int().positive().default(30_000),
});
export type EspeakConfig = z.output<typeof espeakConfigSchema>;

const INSTALL_HINT =
  'Install the Debian package espeak-ng (apt-get install espeak-ng), or set TTS_ESPEAK_BINARY to its path.';

export function createEspeakEngine(config: EspeakConfig): TtsEngine {
  const voiceIds = new Set(ESPEAK_VOICES.map((v) => v.id));
  return {
    id: 'espeak-ng',
    voices: ESPEAK_VOICES,
    defaultVoice: config.voice,
    async synthesize({
      text,
      voice = config.voice,
      rate = 1,
      signal,
    }: SynthesisRequest): Promise<SynthesisResult> {
      const spoken = text.normalize('NFC').trim();
      if (!spoken) throw new TtsError('empty-text', 'nothing to say: the text is empty');
      if (!voiceIds.has(voice)) {
        throw new TtsError(
          'unknown-voice',
          `espeak-ng has no voice "${voice}"; use one of ${[...voiceIds].join(', ')}`,
        );
      }
      const wordsPerMinute = Math.min(450, Math.max(80, Math.round(config.wordsPerMinute * checkRate(rate))));
      // Text goes through stdin, not argv: no length limit, and a bulletin starting with "-" is not an option.
      const args = ['-v', voice, '-s', String(wordsPerMinute), '-b', '1', '--stdin', '--stdout'];
      const { stdout } = await runTool(config.binary, args, {
        input: spoken,
        timeoutMs: config.timeoutMs,
        signal,
        installHint: INSTALL_HINT,
      });
      const wav = repairStreamedWav(stdout);
      const info = readWavInfo(wav);
      if (info.dataBytes === 0) throw new TtsError('bad-audio', 'espeak-ng produced no audio');
      return {
        wav,
        sampleRate: info.sampleRate,
        durationSeconds: info.durationSeconds,
        engine: 'espeak-ng',
        voice,
      };
    },
  };
}
