import { TtsError } from './errors.ts';

export interface WavInfo {
  sampleRate: number;
  channels: number;
  bitsPerSample: number;
  /** Offset of the first sample byte. */
  dataOffset: number;
  dataBytes: number;
  durationSeconds: number;
}

function fail(why: string): never {
  throw new TtsError('bad-audio', `not a usable WAV file: ${why}`);
}

/** Reads a PCM WAV header, walking the chunks rather than assuming the canonical 44-byte layout. */
export function readWavInfo(wav: Buffer): WavInfo {
  if (wav.length < 12 || wav.toString('ascii', 0, 4) !== 'RIFF' || wav.toString('ascii', 8, 12) !== 'WAVE') {
    fail('no RIFF/WAVE header');
  }
  let format: { channels: number; sampleRate: number; bitsPerSample: number } | undefined;
  let at = 12;
  while (at + 8 <= wav.length) {
    const id = wav.toString('ascii', at, at + 4);
    const size = wav.readUInt32LE(at + 4);
    const body = at + 8;
    if (id === 'fmt ') {
      if (size < 16 || body + 16 > wav.length) fail('fmt chunk is too short');
      const audioFormat = wav.readUInt16LE(body);
      // 1 is PCM; 0xFFFE (extensible) is what some engines write for plain PCM too.
      if (audioFormat !== 1 && audioFormat !== 0xfffe) fail(`sample format ${audioFormat} is not PCM`);
      format = {
        channels: wav.readUInt16LE(body + 2),
        sampleRate: wav.readUInt32LE(body + 4),
        bitsPerSample: wav.readUInt16LE(body + 14),
      };
    } else if (id === 'data') {
      if (!format) fail('data chunk comes before fmt');
      if (format.sampleRate === 0 || format.channels === 0 || format.bitsPerSample === 0)
        fail('empty format');
      // A streamed WAV declares a placeholder size; the bytes actually present are what count.
      const dataBytes = Math.min(size, wav.length - body);
      const bytesPerSecond = format.sampleRate * format.channels * (format.bitsPerSample / 8);
      return { ...format, dataOffset: body, dataBytes, durationSeconds: dataBytes / bytesPerSecond };
    }
    at = body + size + (size % 2);
  }
  return fail('no data chunk');
}

/**
 * espeak-ng writing to a pipe cannot seek back, so its header says the file is ~2 GB long
 * (0x7FFFF000). Players and ffmpeg cope, but a stored file should be honest about its length:
 * this returns a copy with the RIFF and data sizes set to what is really there.
 */
export function repairStreamedWav(wav: Buffer): Buffer {
  const info = readWavInfo(wav);
  const end = info.dataOffset + info.dataBytes;
  const fixed = Buffer.from(wav.subarray(0, end));
  fixed.writeUInt32LE(end - 8, 4);
  fixed.writeUInt32LE(info.dataBytes, info.dataOffset - 4);
  return fixed;
}
