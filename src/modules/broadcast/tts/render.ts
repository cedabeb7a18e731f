import { NORTHERN_NUMBERS, type NumberStyle, SOUTHERN_NUMBERS } from '#platform/i18n/numbers.ts';
import { type EncodedAudio, type EncodeOptions, encodeForBroadcast } from './encode.ts';
import type { TtsEngine } from './engine.ts';
import { normalizeVietnamese } from './normalize.ts';

export interface RenderOptions {
  voice?: string;
  rate?: number;
  encode?: EncodeOptions;
  signal?: AbortSignal;
}

export interface RenderedSpeech {
  /** What the engine was asked to say, kept with the audio so a wrong reading can be traced. */
  spokenText: string;
  engine: string;
  voice: string;
  audio: EncodedAudio;
  timings: { synthesisMs: number; encodeMs: number };
}

/**
 * Bulletin text → normalised words → speech → broadcast file. It does not judge the text: the
 * caller runs detectLanguageMix first and decides whether a mixed bulletin is refused or warned.
 */
export async function renderSpeech(
  engine: TtsEngine,
  text: string,
  options: RenderOptions = {},
): Promise<RenderedSpeech> {
  const voiceId = options.voice ?? engine.defaultVoice;
  const region = engine.voices.find((v) => v.id === voiceId)?.region;
  // A southern voice saying "một trăm linh năm" sounds like a northerner reading a script.
  const numbers: NumberStyle = region === 'south' ? SOUTHERN_NUMBERS : NORTHERN_NUMBERS;
  const spokenText = normalizeVietnamese(text, { numbers });

  const started = performance.now();
  const speech = await engine.synthesize({
    text: spokenText,
    voice: voiceId,
    rate: options.rate,
    signal: options.signal,
  });
  const synthesized = performance.now();
  const audio =
    speech.broadcast ?? (await encodeForBroadcast(speech.wav, { ...options.encode, signal: options.signal }));
  const encoded = performance.now();

  return {
    spokenText,
    engine: speech.engine,
    voice: speech.voice,
    audio,
    timings: { synthesisMs: synthesized - started, encodeMs: encoded - synthesized },
  };
}
