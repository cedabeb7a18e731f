import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { encodeForBroadcast, inspectAudio } from './encode.ts';
import { TtsError } from './errors.ts';
import { normalizeVietnamese } from './normalize.ts';
import { createTtsEngine } from './registry.ts';
import { renderSpeech } from './render.ts';
import { runTool } from './run-tool.ts';
import { readWavInfo } from './wav.ts';

/**
 * Real espeak-ng and ffmpeg. In CI (CI=true) a missing program fails the suite: audio that silently
 * stopped being tested is how speakers end up playing nothing. Elsewhere it is skipped, with the reason.
 */
const IN_CI = process.env.CI === 'true';
const TOOLS = [
  ['espeak-ng', '--version'],
  ['ffmpeg', '-version'],
  ['ffprobe', '-version'],
] as const;

async function missingTools(): Promise<string[]> {
  const missing: string[] = [];
  for (const [tool, versionFlag] of TOOLS) {
    try {
      await runTool(tool, [versionFlag], { timeoutMs: 10_000, installHint: '' });
    } catch (e) {
      if (e instanceof TtsError && e.code === 'tool-missing') missing.push(tool);
      else throw e;
    }
  }
  return missing;
}

const missing = await missingTools();
const skip =
  missing.length > 0 && !IN_CI
    ? `not installed: ${missing.join(', ')} (apt-get install espeak-ng ffmpeg); with CI=true this fails instead`
    : false;

function requireTools() {
  if (missing.length > 0)
    assert.fail(`CI needs ${missing.join(', ')}: install the Debian packages espeak-ng and ffmpeg`);
}

const SENTENCE = 'UBND xã thông báo: ngày 15/3 có mưa to, bà con chú ý phòng tránh.';

// Skipped test by test, not as a suite, so the runner's summary counts what was not run.
describe('speech with espeak-ng and ffmpeg', () => {
  let dir = '';
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'xaso-tts-speech-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('when a Vietnamese sentence is synthesised and encoded, then it decodes as mono Opus of a plausible length at ≤ 32 kbps', {
    skip,
  }, async (t) => {
    requireTools();
    const engine = createTtsEngine({ engine: 'espeak-ng' });

    const started = performance.now();
    const speech = await engine.synthesize({ text: normalizeVietnamese(SENTENCE) });
    const synthesisMs = performance.now() - started;
    const wav = readWavInfo(speech.wav);
    assert.equal(wav.channels, 1);
    assert.ok(wav.durationSeconds > 1 && wav.durationSeconds < 10, `WAV lasts ${wav.durationSeconds} s`);

    const encodeStarted = performance.now();
    const audio = await encodeForBroadcast(speech.wav);
    const encodeMs = performance.now() - encodeStarted;
    assert.equal(audio.format, 'opus');
    assert.equal(audio.mimeType, 'audio/ogg; codecs=opus');
    assert.ok(audio.bitrateKbps <= 32, `bitrate ${audio.bitrateKbps} kbps`);
    assert.ok(
      Math.abs(audio.durationSeconds - wav.durationSeconds) < 0.1,
      'the encoded audio keeps the speech length',
    );
    assert.equal(audio.sha256, createHash('sha256').update(audio.data).digest('hex'));

    const probe = await inspectAudio(audio.data);
    assert.equal(probe.codec, 'opus');
    assert.equal(probe.container, 'ogg');
    assert.equal(probe.channels, 1);
    assert.ok(
      probe.durationSeconds > 1 && probe.durationSeconds < 10,
      `decoded length ${probe.durationSeconds} s`,
    );
    assert.ok(probe.bitrateKbps > 0 && probe.bitrateKbps <= 32, `ffprobe bitrate ${probe.bitrateKbps} kbps`);

    t.diagnostic(
      `speech ${wav.durationSeconds.toFixed(2)} s; synthesis ${synthesisMs.toFixed(0)} ms ` +
        `(${((synthesisMs / 1000 / wav.durationSeconds) * 100).toFixed(1)}% of real time); ` +
        `encode+verify ${encodeMs.toFixed(0)} ms; ${audio.data.length} bytes at ${audio.bitrateKbps.toFixed(1)} kbps`,
    );
  });

  it('when the same text is rendered twice, then the file and its hash are identical', { skip }, async () => {
    requireTools();
    const engine = createTtsEngine({ engine: 'espeak-ng' });
    const [a, b] = [await renderSpeech(engine, SENTENCE), await renderSpeech(engine, SENTENCE)];
    assert.equal(a.audio.sha256, b.audio.sha256);
  });

  it('when each Vietnamese voice speaks, then each produces audio and the southern one reads numbers the southern way', {
    skip,
  }, async () => {
    requireTools();
    const engine = createTtsEngine({ engine: 'espeak-ng' });
    for (const voice of engine.voices) {
      const speech = await engine.synthesize({ text: 'xin chào bà con', voice: voice.id });
      assert.ok(speech.durationSeconds > 0.3, `${voice.id} spoke for ${speech.durationSeconds} s`);
    }
    const south = await renderSpeech(engine, 'Có 105 hộ.', { voice: 'vi-vn-x-south' });
    assert.equal(south.spokenText, 'Có một trăm lẻ năm hộ.');
    assert.equal(south.voice, 'vi-vn-x-south');
  });

  it('when ffmpeg has no libopus, then the speech is encoded as 32 kbps MP3 instead', { skip }, async () => {
    requireTools();
    const { stdout } = await runTool('sh', ['-c', 'command -v ffmpeg'], {
      timeoutMs: 5_000,
      installHint: '',
    });
    const realFfmpeg = stdout.toString().trim();
    const withoutOpus = join(dir, 'ffmpeg-without-opus');
    await writeFile(
      withoutOpus,
      `#!/bin/sh\nif [ "$2" = "-encoders" ]; then "${realFfmpeg}" -hide_banner -encoders | grep -v opus; exit 0; fi\nexec "${realFfmpeg}" "$@"\n`,
    );
    await chmod(withoutOpus, 0o755);

    const engine = createTtsEngine({ engine: 'espeak-ng' });
    const speech = await engine.synthesize({ text: normalizeVietnamese(SENTENCE) });
    const audio = await encodeForBroadcast(speech.wav, { ffmpeg: withoutOpus });
    assert.equal(audio.format, 'mp3');
    assert.equal(audio.extension, '.mp3');
    assert.ok(audio.bitrateKbps <= 34, `bitrate ${audio.bitrateKbps} kbps`);
    const probe = await inspectAudio(audio.data);
    assert.equal(probe.codec, 'mp3');
  });
});
