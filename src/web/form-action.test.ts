import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { safeNext } from './form-action.ts';

const SITE = 'https://xa.example.vn';

describe('safeNext (where to go after signing in)', () => {
  it('when the target is a path of this site, then it is kept, query and fragment included', () => {
    for (const [given, kept] of [
      ['/quan-tri/ho-so', '/quan-tri/ho-so'],
      ['/ho-so?so=1234&x=%2F#top', '/ho-so?so=1234&x=%2F#top'],
      ['/a/../dia-ban', '/dia-ban'],
      ['/%2F%2Fevil.example', '/%2F%2Fevil.example'],
      ['/%09/evil.example', '/%09/evil.example'],
      ['/%5C%5Cevil.example', '/%5C%5Cevil.example'],
    ]) {
      assert.equal(safeNext(given, '/home', SITE), kept, JSON.stringify(given));
    }
  });

  it('when the target leaves the site as a browser reads it, then the fallback is used', () => {
    const hostile = [
      '//evil.example',
      '//evil.example/quan-tri',
      '/\\evil.example',
      '/\\/evil.example',
      '\\\\evil.example',
      '/\t/evil.example',
      '/\t\\evil.example',
      '/\n/evil.example',
      '/\r\n/evil.example',
      '\t//evil.example',
      '/./\t/evil.example',
      '/.//evil.example',
      '/..//evil.example',
      '/%2e//evil.example',
      '/%2e%2e//evil.example',
      '%2F%2Fevil.example',
      'https://evil.example/',
      'https:evil.example',
      `${SITE}/quan-tri`,
      'javascript:alert(1)',
      ' /quan-tri',
      '',
    ];
    for (const given of hostile) assert.equal(safeNext(given, '/home', SITE), '/home', JSON.stringify(given));
    assert.equal(safeNext(undefined, '/home', SITE), '/home');
    assert.equal(safeNext(['/x'], '/home', SITE), '/home');
  });
});
