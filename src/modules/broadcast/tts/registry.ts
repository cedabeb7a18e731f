import { z } from 'zod';
import type { TtsEngine } from './engine.ts';
import { TtsError } from './errors.ts';
import { createEspeakEngine, espeakConfigSchema } from './espeak.ts';

/**
 * Every engine's settings, told apart by `engine`. Adding the neural engine means adding its schema
 * here (e.g. `{ engine: 'sherpa-onnx', model, tokens, dataDir }`) and a case in createTtsEngine; the
 * compiler then points at every place that must handle it.
 */
export const ttsConfigSchema = z.discriminatedUnion('engine', [espeakConfigSchema]);
export type TtsConfig = z.output<typeof ttsConfigSchema>;
export type TtsConfigInput = z.input<typeof ttsConfigSchema>;

export function createTtsEngine(config: TtsConfigInput): TtsEngine {
  const parsed = ttsConfigSchema.safeParse(config);
  if (!parsed.success) {
    const problems = parsed.error.issues
      .map((i) => `${i.path.join('.') || 'engine'}: ${i.message}`)
      .join('; ');
    throw new TtsError('bad-config', `text-to-speech configuration is not valid: ${problems}`);
  }
  const c = parsed.data;
  switch (c.engine) {
    case 'espeak-ng':
      return createEspeakEngine(c);
  }
}

/**
 * Reads TTS_* variables into an engine config, for the process's config file to call at boot:
 * TTS_ENGINE (espeak-ng), TTS_ESPEAK_BINARY, TTS_VOICE, TTS_WORDS_PER_MINUTE, TTS_TIMEOUT_MS.
 * Unset or empty variables take the engine's defaults.
 */
export function ttsConfigFromEnv(env: Record<string, string | undefined>): TtsConfigInput {
  const value = (name: string) => (env[name] === '' ? undefined : env[name]);
  const number = (name: string) => {
    const v = value(name);
    return v === undefined ? undefined : Number(v);
  };
  const engine = value('TTS_ENGINE') ?? 'espeak-ng';
  return {
    engine,
    binary: value('TTS_ESPEAK_BINARY'),
    voice: value('TTS_VOICE'),
    wordsPerMinute: number('TTS_WORDS_PER_MINUTE'),
    timeoutMs: number('TTS_TIMEOUT_MS'),
    // Checked by createTtsEngine, which names the setting that is wrong.
  } as TtsConfigInput;
}
