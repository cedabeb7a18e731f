import type { EncodedAudio } from './encode.ts';

/**
 * The seam between bulletins and whatever turns words into sound. espeak-ng is always available
 * (a Debian package, robotic but intelligible); a neural voice such as a Piper vi_VN model run by
 * sherpa-onnx, supplied by the operator, is expected later and must fit behind the same interface.
 *
 * Engines receive text that is already normalised (normalizeVietnamese): they speak words and
 * punctuation, and never guess how to read "15/3". They return WAV in memory: bulletins last
 * seconds to a few minutes (one minute of 22 kHz mono is 2.6 MB), and the encoder needs the whole
 * file anyway, so a temporary file would only add a path to clean up.
 *
 * This file holds only the contract; registry.ts builds an engine from configuration.
 */

export interface TtsVoice {
  /** The engine's own name for it, e.g. "vi-vn-x-south"; stored with each rendered bulletin. */
  id: string;
  /** One language per voice and per message (DOMAIN: mixed text breaks TTS). */
  language: 'vi';
  /** Picks regional number words too ("một trăm lẻ năm" in the south). */
  region: 'north' | 'central' | 'south';
  label: { vi: string; en: string };
}

export interface SynthesisRequest {
  /** Words to speak, already normalised. */
  text: string;
  /** A voice id from `engine.voices`; the engine's configured voice when absent. */
  voice?: string;
  /** Pace relative to the configured one: 1 as configured, 0.5 half as fast, 2 twice as fast. */
  rate?: number;
  signal?: AbortSignal;
}

export interface SynthesisResult {
  /** PCM WAV, mono, with header sizes that match the data. */
  wav: Buffer;
  sampleRate: number;
  durationSeconds: number;
  engine: string;
  voice: string;
  /**
   * The same speech already in a broadcast format, for engines that answer in one (a hosted voice
   * that returns MP3, the test voice): it is stored as it is instead of encoding `wav` again.
   */
  broadcast?: EncodedAudio;
}

export interface TtsEngine {
  readonly id: string;
  readonly voices: readonly TtsVoice[];
  readonly defaultVoice: string;
  synthesize(request: SynthesisRequest): Promise<SynthesisResult>;
}

export const MIN_RATE = 0.5;
export const MAX_RATE = 2;

/** Engines call this so every engine refuses the same out-of-range pace. */
export function checkRate(rate: number): number {
  if (!Number.isFinite(rate) || rate < MIN_RATE || rate > MAX_RATE) {
    throw new RangeError(`rate must be between ${MIN_RATE} and ${MAX_RATE}, got ${rate}`);
  }
  return rate;
}
