import { Invalid } from '../errors.ts';

/** How far into a parsed body the check looks: forms and the API's JSON are shallow. */
const MAX_DEPTH = 8;
const MAX_NODES = 5000;

/**
 * The first place a NUL character hides in a request's input (path parameters, query string,
 * parsed body), as a field path ('applicant.name'). PostgreSQL's text cannot hold NUL, so such a
 * value would reach the database only to fail there as a 500; it is refused at the door instead.
 */
export function nulField(
  value: unknown,
  path: string[] = [],
  budget = { nodes: MAX_NODES },
): string | undefined {
  if (--budget.nodes < 0) return undefined;
  if (typeof value === 'string') return value.includes('\u0000') ? path.join('.') || 'body' : undefined;
  if (!value || typeof value !== 'object' || path.length >= MAX_DEPTH || Buffer.isBuffer(value))
    return undefined;
  for (const [k, v] of Object.entries(value)) {
    if (k.includes('\u0000')) return [...path, k.replaceAll('\u0000', '')].join('.');
    const found = nulField(v, [...path, k], budget);
    if (found !== undefined) return found;
  }
  return undefined;
}

/** Throws a bilingual 400 naming the field when any input holds a NUL character. */
export function refuseNulBytes(input: { params?: unknown; query?: unknown; body?: unknown }) {
  const field = nulField(input.params) ?? nulField(input.query) ?? nulField(input.body);
  if (field === undefined) return;
  throw new Invalid([
    {
      field,
      vi: 'Giá trị có ký tự không hợp lệ (ký tự NUL).',
      en: 'The value holds a character that is not allowed (NUL).',
    },
  ]);
}
