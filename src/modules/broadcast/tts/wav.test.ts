import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TtsError } from './errors.ts';
import { readWavInfo, repairStreamedWav } from './wav.ts';

function streamedWav(samples: number, sampleRate = 22_050): Buffer {
  // The header espeak-ng writes to a pipe: both sizes are the 0x7FFFF000 placeholder.
  const header = Buffer.alloc(44);
  header.write('RIFF', 0, 'ascii');
  header.writeUInt32LE(0x7ffff024, 4);
  header.write('WAVEfmt ', 8, 'ascii');
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20);
  header.writeUInt16LE(1, 22);
  header.writeUInt32LE(sampleRate, 24);
  header.writeUInt32LE(sampleRate * 2, 28);
  header.writeUInt16LE(2, 32);
  header.writeUInt16LE(16, 34);
  header.write('data', 36, 'ascii');
  header.writeUInt32LE(0x7ffff000, 40);
  return Buffer.concat([header, Buffer.alloc(samples * 2)]);
}

describe('wav', () => {
  it('when a streamed WAV claims 2 GB, then the repaired copy states its real sizes', () => {
    const fixed = repairStreamedWav(streamedWav(22_050));
    assert.equal(fixed.readUInt32LE(4), fixed.length - 8);
    assert.equal(fixed.readUInt32LE(40), 44_100);
    const info = readWavInfo(fixed);
    assert.equal(info.sampleRate, 22_050);
    assert.equal(info.channels, 1);
    assert.equal(info.durationSeconds, 1);
  });

  it('when the bytes are not a WAV file, then a bad-audio error says so', () => {
    assert.throws(
      () => readWavInfo(Buffer.from('Error: The specified espeak-ng voice does not exist.')),
      (e: unknown) => e instanceof TtsError && e.code === 'bad-audio',
    );
  });
});
