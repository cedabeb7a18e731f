/**
 * Personal data never leaves through a public page or Open311: the contact columns are simply never
 * read there, and free text (a description, a landmark, a reply) is passed through `redact`, because
 * people write their phone number into the description ("gọi tôi 0912 345 678") more often than not.
 */
export const REDACTED = '[đã ẩn]';

const EMAIL = /[\p{L}\p{N}._%+-]+@[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)+/gu;
/** Vietnamese numbers however they are spaced or dotted: 0…, 84…, +84…, with 8–10 more digits. */
const PHONE = /\(?(?:\+\s?84|\b84|\b0)\)?(?:[\s.\-()]{0,2}\d){8,10}\b/g;

export interface ContactData {
  contactName?: string | null;
  contactPhone?: string | null;
  contactEmail?: string | null;
}

function escapeRegExp(s: string) {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export function redact(text: string, contact: ContactData = {}): string {
  let out = text.replace(EMAIL, REDACTED).replace(PHONE, REDACTED);
  const name = contact.contactName?.trim();
  // A full name (two words or more) is specific enough to hide wherever it is written.
  if (name && name.split(/\s+/).length >= 2) {
    out = out.replace(new RegExp(escapeRegExp(name), 'giu'), REDACTED);
  }
  return out;
}

export function redactOptional(text: string | null | undefined, contact: ContactData = {}) {
  return text ? redact(text, contact) : null;
}
