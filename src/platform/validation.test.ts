import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { z } from 'zod';
import { Invalid } from './errors.ts';
import { msg, parse, phoneSchema } from './validation.ts';

describe('validation', () => {
  it('when a required field is missing, then the error names it in Vietnamese and English', () => {
    const schema = z.object({ name: z.string().min(1), age: z.coerce.number().int().min(18) });
    try {
      parse(schema, { age: '12' });
      assert.fail('should throw');
    } catch (e) {
      assert.ok(e instanceof Invalid);
      const byField = Object.fromEntries(e.fields.map((f) => [f.field, f]));
      assert.equal(byField.name?.vi, 'Vui lòng nhập thông tin này.');
      assert.equal(byField.name?.en, 'This field is required.');
      assert.equal(byField.age?.vi, 'Phải từ 18 trở lên.');
    }
  });

  it('when a schema gives its own message, then both languages come through', () => {
    const schema = z.object({
      id: z.string().regex(/^\d{12}$/, msg('CCCD gồm 12 chữ số.', 'ID has 12 digits.')),
    });
    assert.throws(
      () => parse(schema, { id: '123' }),
      (e: unknown) =>
        e instanceof Invalid &&
        e.fields[0]?.vi === 'CCCD gồm 12 chữ số.' &&
        e.fields[0]?.en === 'ID has 12 digits.',
    );
  });

  it('when a phone is written with +84 or spaces, then it is stored as 0xxxxxxxxx', () => {
    assert.equal(parse(phoneSchema, '+84 912 345 678'), '0912345678');
    assert.equal(parse(phoneSchema, '0912.345.678'), '0912345678');
    assert.throws(() => parse(phoneSchema, '12345'), Invalid);
  });
});
