import { z } from 'zod';
import { dateSchema } from '#platform/i18n/dates.ts';
import { msg } from '#platform/validation.ts';
import type { FormField } from './procedures.schemas.ts';

/**
 * Building a zod object compiles its parser: schemas are made once per e-form definition and kept
 * (by the definition object, and by its text for a definition read again from the database).
 */
const byObject = new WeakMap<readonly FormField[], ReturnType<typeof buildSchema>>();
const byText = new Map<string, ReturnType<typeof buildSchema>>();

/**
 * One zod schema built from a procedure's e-form definition: the same schema validates the online
 * form, the counter form and the API's `form` JSON, and gives field-by-field bilingual errors.
 */
export function eFormSchema(fields: readonly FormField[]) {
  let schema = byObject.get(fields);
  if (schema) return schema;
  const text = JSON.stringify(fields);
  schema = byText.get(text);
  if (!schema) {
    if (byText.size >= 500) byText.clear();
    schema = buildSchema(fields);
    byText.set(text, schema);
  }
  byObject.set(fields, schema);
  return schema;
}

function buildSchema(fields: readonly FormField[]) {
  const shape: Record<string, z.ZodType> = {};
  for (const f of fields) {
    let s: z.ZodType;
    switch (f.type) {
      case 'number': {
        let n = z.coerce.number();
        if (f.min !== undefined) n = n.min(f.min);
        if (f.max !== undefined) n = n.max(f.max);
        s = n;
        break;
      }
      case 'checkbox':
        s = z.preprocess((v) => v === true || v === 'on' || v === 'true' || v === '1', z.boolean());
        break;
      case 'date':
        s = dateSchema();
        break;
      case 'cccd':
        s = z
          .string()
          .trim()
          .regex(
            /^\d{12}$/,
            msg('Số CCCD gồm đúng 12 chữ số.', 'A citizen ID number has exactly 12 digits.'),
          );
        break;
      case 'phone':
        s = z
          .string()
          .trim()
          .transform((v) => v.replace(/[\s.-]/g, '').replace(/^(\+?84)/, '0'))
          .pipe(
            z
              .string()
              .regex(
                /^0\d{9}$/,
                msg(
                  'Số điện thoại gồm 10 chữ số, bắt đầu bằng 0.',
                  'A phone number has 10 digits starting with 0.',
                ),
              ),
          );
        break;
      case 'email':
        s = z.email();
        break;
      case 'select':
        s = z.enum((f.options ?? []).map((o) => o.value) as [string, ...string[]]);
        break;
      default:
        s = z
          .string()
          .trim()
          .min(1)
          .max(f.maxLength ?? (f.type === 'textarea' ? 2000 : 200))
          .transform((v) => v.normalize('NFC'));
    }
    // A checkbox left unticked is simply false; other optional fields may be absent.
    shape[f.name] = f.type === 'checkbox' ? s.default(false) : f.required ? s : s.optional();
  }
  return z.object(shape);
}
