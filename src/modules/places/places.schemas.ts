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

export const NewVillage = z.object({
  name: z
    .string()
    .trim()
    .min(1)
    .max(100)
    .transform((s) => s.normalize('NFC')),
  type: z.enum(VILLAGE_TYPES).default('thôn'),
});
export type NewVillage = z.infer<typeof NewVillage>;

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
});
export type PlaceOut = z.infer<typeof PlaceOut>;
