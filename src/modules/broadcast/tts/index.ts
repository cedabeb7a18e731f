/** Text-to-speech for bulletins: the broadcast module's index.ts re-exports what it needs from here. */
export { ABBREVIATIONS } from './abbreviations.ts';
export {
  type AudioProbe,
  type BroadcastFormat,
  type EncodedAudio,
  type EncodeOptions,
  type EncoderSupport,
  encodeForBroadcast,
  findEncoders,
  inspectAudio,
} from './encode.ts';
export {
  checkRate,
  MAX_RATE,
  MIN_RATE,
  type SynthesisRequest,
  type SynthesisResult,
  type TtsEngine,
  type TtsVoice,
} from './engine.ts';
export { TtsError, type TtsErrorCode } from './errors.ts';
export { ESPEAK_VOICES, type EspeakConfig } from './espeak.ts';
export { detectLanguageMix, type LanguageMixReason, type LanguageMixReport } from './language-mix.ts';
export { type NormalizeOptions, normalizeVietnamese } from './normalize.ts';
export {
  createTtsEngine,
  type TtsConfig,
  type TtsConfigInput,
  ttsConfigFromEnv,
  ttsConfigSchema,
} from './registry.ts';
export { type RenderedSpeech, type RenderOptions, renderSpeech } from './render.ts';
