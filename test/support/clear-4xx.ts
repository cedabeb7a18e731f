import assert from 'node:assert/strict';
import type { LightMyRequestResponse } from 'fastify';

/** A 4xx with the message in both languages: problem+json, or the error page in Vietnamese. */
export function assertClear4xx(res: LightMyRequestResponse, what: string) {
  assert.ok(
    res.statusCode >= 400 && res.statusCode < 500,
    `${what}: ${res.statusCode} ${res.body.slice(0, 300)}`,
  );
  const type = String(res.headers['content-type'] ?? '');
  if (type.includes('json')) {
    const p = res.json();
    assert.ok(
      p.messages?.vi && p.messages?.en,
      `${what}: a bilingual problem, got ${res.body.slice(0, 300)}`,
    );
  } else {
    assert.match(res.body, /<html lang="vi"/, `${what}: the error page`);
  }
}
