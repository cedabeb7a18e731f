import { z } from 'zod';
import { msg } from '#platform/validation.ts';
import { PLACE_LEVELS } from './places.tables.ts';

export const VILLAGE_TYPES = [
  'thôn',
  'bản',
  'tổ dân phố',
  'xóm',
  'ấp',
  'làng',
  'khu phố',
  'buôn',
  'plei',
  'sóc',
] as const;

export const PlaceSearch = z.object({
  q: z
    .string()
    .trim()
    .min(2, msg('Nhập ít nhất 2 ký tự để tìm.', 'Type at least 2 characters to search.'))
    .max(100),
  level: z.enum(PLACE_LEVELS).optional(),
  legacy: z.enum(['true', 'false']).optional(),
});
export type PlaceSearch = z.infer<typeof PlaceSearch>;

/**
 * A coordinate typed by a person: a dot or the Vietnamese decimal comma ("21,8537"). The bounds
 * hold Vietnam, islands included, so a swapped latitude and longitude is caught.
 */
function coordinate(min: number, max: number, vi: string, en: string) {
  const outside = msg(
    `${vi} phải là một số từ ${min} đến ${max}.`,
    `${en} must be a number from ${min} to ${max}.`,
  );
  return z.preprocess(
    (v) => (typeof v === 'string' ? Number(v.trim().replace(',', '.')) : v),
    z.number({ error: outside }).min(min, outside).max(max, outside),
  );
}

export const Latitude = coordinate(6, 24, 'Vĩ độ', 'Latitude');
export const Longitude = coordinate(102, 118, 'Kinh độ', 'Longitude');

/** Both coordinates or neither. */
function bothOrNeither(c: { lat?: number | undefined; lng?: number | undefined }, ctx: z.RefinementCtx) {
  if ((c.lat === undefined) === (c.lng === undefined)) return;
  ctx.addIssue({
    code: 'custom',
    path: [c.lat === undefined ? 'lat' : 'lng'],
    message: msg(
      'Nhập cả vĩ độ và kinh độ, hoặc để trống cả hai.',
      'Give both latitude and longitude, or leave both empty.',
    ),
  });
}

/** An optional centre point. */
export const VillageCentre = z
  .object({ lat: Latitude.optional(), lng: Longitude.optional() })
  .superRefine(bothOrNeither);
export type VillageCentre = z.infer<typeof VillageCentre>;

export const NewVillage = z
  .object({
    name: z
      .string()
      .trim()
      .min(1)
      .max(100)
      .transform((s) => s.normalize('NFC')),
    type: z.enum(VILLAGE_TYPES).default('thôn'),
    lat: Latitude.optional(),
    lng: Longitude.optional(),
  })
  .superRefine(bothOrNeither);
export type NewVillage = z.infer<typeof NewVillage>;

/** Importing hamlets from CSV: the file's text (the form's upload, or the API's JSON field). */
export const VillageImport = z.object({
  csv: z
    .string({ error: msg('Chọn tệp CSV danh sách thôn, bản.', 'Choose the CSV file of hamlets.') })
    .trim()
    .min(1, msg('Chọn tệp CSV danh sách thôn, bản.', 'Choose the CSV file of hamlets.'))
    .max(200_000, msg('Tệp quá lớn (tối đa 200 KB).', 'The file is too big (200 KB at most).')),
});
export type VillageImport = z.infer<typeof VillageImport>;

export const PlaceOut = z.object({
  id: z.number(),
  code: z.string(),
  level: z.enum(PLACE_LEVELS),
  type: z.string(),
  name: z.string(),
  fullName: z.string(),
  nameEn: z.string().nullable(),
  parentId: z.number().nullable(),
  validFrom: z.string().nullable(),
  validTo: z.string().nullable(),
  centre: z.object({ lat: z.number(), lng: z.number() }).nullable(),
});
export type PlaceOut = z.infer<typeof PlaceOut>;
