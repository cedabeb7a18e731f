import assert from 'node:assert/strict';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { TtsError, type TtsErrorCode } from './errors.ts';
import { createTtsEngine, ttsConfigFromEnv } from './registry.ts';

function isTtsError(code: TtsErrorCode, messagePart?: RegExp) {
  return (e: unknown) =>
    e instanceof TtsError && e.code === code && (!messagePart || messagePart.test(e.message));
}

describe('createTtsEngine', () => {
  let dir = '';
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'xaso-tts-test-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('when espeak-ng is configured with defaults, then it offers the three Vietnamese voices', () => {
    const engine = createTtsEngine({ engine: 'espeak-ng' });
    assert.equal(engine.id, 'espeak-ng');
    assert.equal(engine.defaultVoice, 'vi');
    assert.deepEqual(
      engine.voices.map((v) => [v.id, v.region]),
      [
        ['vi', 'north'],
        ['vi-vn-x-central', 'central'],
        ['vi-vn-x-south', 'south'],
      ],
    );
  });

  it('when the configuration names an unknown engine, then it is refused before anything runs', () => {
    assert.throws(
      () => createTtsEngine({ engine: 'sherpa-onnx' } as never),
      isTtsError('bad-config', /engine/),
    );
    assert.throws(
      () => createTtsEngine({ engine: 'espeak-ng', wordsPerMinute: 9000 }),
      isTtsError('bad-config', /wordsPerMinute/),
    );
  });

  it('when TTS_* variables are set, then they become the engine config; empty ones take defaults', () => {
    const config = ttsConfigFromEnv({
      TTS_VOICE: 'vi-vn-x-south',
      TTS_WORDS_PER_MINUTE: '140',
      TTS_ESPEAK_BINARY: '',
    });
    assert.deepEqual(config, {
      engine: 'espeak-ng',
      binary: undefined,
      voice: 'vi-vn-x-south',
      wordsPerMinute: 140,
      timeoutMs: undefined,
    });
    assert.equal(createTtsEngine(config).defaultVoice, 'vi-vn-x-south');
  });

  it('when the voice, text or rate is wrong, then synthesis is refused without starting espeak-ng', async () => {
    const engine = createTtsEngine({ engine: 'espeak-ng', binary: join(dir, 'never-run') });
    await assert.rejects(
      engine.synthesize({ text: 'xin chào', voice: 'en' }),
      isTtsError('unknown-voice', /vi-vn-x-south/),
    );
    await assert.rejects(engine.synthesize({ text: '  \n ' }), isTtsError('empty-text'));
    await assert.rejects(engine.synthesize({ text: 'xin chào', rate: 5 }), RangeError);
  });

  it('when the espeak-ng binary is missing, then the error names it and how to install it', async () => {
    const engine = createTtsEngine({ engine: 'espeak-ng', binary: join(dir, 'espeak-ng-missing') });
    await assert.rejects(
      engine.synthesize({ text: 'xin chào' }),
      isTtsError('tool-missing', /espeak-ng-missing.*apt-get install espeak-ng/),
    );
  });

  it('when espeak-ng hangs, then it is killed at the timeout', async () => {
    const hanging = join(dir, 'hanging-espeak');
    await writeFile(hanging, '#!/bin/sh\nexec sleep 30\n');
    await chmod(hanging, 0o755);
    const engine = createTtsEngine({ engine: 'espeak-ng', binary: hanging, timeoutMs: 200 });
    const started = Date.now();
    await assert.rejects(engine.synthesize({ text: 'xin chào' }), isTtsError('timeout', /200 ms/));
    assert.ok(Date.now() - started < 5_000);
  });

  it('when the caller cancels, then espeak-ng is stopped', async () => {
    const hanging = join(dir, 'slow-espeak');
    await writeFile(hanging, '#!/bin/sh\nexec sleep 30\n');
    await chmod(hanging, 0o755);
    const engine = createTtsEngine({ engine: 'espeak-ng', binary: hanging });
    await assert.rejects(
      engine.synthesize({ text: 'xin chào', signal: AbortSignal.timeout(100) }),
      isTtsError('aborted'),
    );
  });
});
