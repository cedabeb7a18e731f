import { z } from 'zod';
import { Latitude, Longitude } from '#modules/places/index.ts';
import { msg, phoneSchema } from '#platform/validation.ts';

/**
 * The kit's forms and its sync protocol, written on purpose (not derived from the tables): the
 * same schema parses an HTML form post, a command from the offline kit and an API call.
 */

const nfc = (s: string) => s.normalize('NFC');
const text = (min: number, max: number) => z.string().trim().min(min).max(max).transform(nfc);

/** A checkbox as a form sends it ("on"), or a JSON boolean. */
export const checkbox = z.preprocess(
  (v) => v === true || v === 'on' || v === 'true' || v === '1' || v === 'yes',
  z.boolean(),
);

/** Phone numbers typed in one box ("0912 345 678, 0987 654 321") or sent as a list; at most 3. */
const phones = z.preprocess(
  (v) =>
    v === undefined || v === null
      ? []
      : Array.isArray(v)
        ? v
        : String(v)
            .split(/[,;/\n]+/)
            .map((p) => p.trim())
            .filter(Boolean),
  z.array(phoneSchema).max(3, msg('Ghi tối đa 3 số điện thoại.', 'At most 3 phone numbers.')),
);

const onlyWithConsent = msg(
  'Chỉ ghi thông tin này khi hộ đồng ý được ghi thông tin cá nhân.',
  'Record this only when the household agrees to its personal details being recorded.',
);

/** What the register holds of a household (head of household, members, phones, address, place). */
export const HouseholdFields = z
  .object({
    headName: text(2, 120).optional(),
    members: z.coerce
      .number({
        error: (issue) =>
          issue.code === 'invalid_type'
            ? msg('Nhập số người trong hộ.', 'Enter the number of people in the household.')
            : undefined,
      })
      .int()
      .min(1)
      .max(50),
    phones,
    address: text(2, 300),
    lat: Latitude.optional(),
    lng: Longitude.optional(),
    consent: checkbox,
  })
  .superRefine((h, ctx) => {
    const issue = (path: string, message: string) => ctx.addIssue({ code: 'custom', path: [path], message });
    if ((h.lat === undefined) !== (h.lng === undefined)) {
      issue(
        h.lat === undefined ? 'lat' : 'lng',
        msg(
          'Nhập cả vĩ độ và kinh độ, hoặc để trống cả hai.',
          'Give both latitude and longitude, or leave both empty.',
        ),
      );
    }
    if (h.consent) {
      if (!h.headName)
        issue('headName', msg('Nhập họ tên chủ hộ.', 'Enter the name of the head of household.'));
    } else {
      if (h.headName) issue('headName', onlyWithConsent);
      if (h.phones.length) issue('phones', onlyWithConsent);
      if (h.lat !== undefined) issue('lat', onlyWithConsent);
    }
  });
export type HouseholdFields = z.output<typeof HouseholdFields>;
export const HOUSEHOLD_FIELDS = [
  'headName',
  'members',
  'phones',
  'address',
  'lat',
  'lng',
  'consent',
] as const;
export type HouseholdField = (typeof HOUSEHOLD_FIELDS)[number];

export const DeleteReason = z.object({
  reason: z.enum(['moved', 'duplicate', 'no-consent', 'other']),
});

// ---------------------------------------------------------------------------------------------
// The visit checklist

const slug = z
  .string()
  .regex(
    /^[a-z][a-z0-9_]{0,39}$/,
    msg('Mã mục: chữ thường không dấu, số, gạch dưới.', 'Item id: lower-case letters, digits, underscore.'),
  );
// Labels are plain in this schema (it also describes answers sent back out); NFC is applied when a
// checklist is saved.
const Label = z.object({ vi: z.string().trim().min(1).max(200), en: z.string().trim().max(200).optional() });

export const ITEM_TYPES = ['yesno', 'count', 'choices', 'text'] as const;
export const ChecklistItem = z.object({
  id: slug,
  type: z.enum(ITEM_TYPES),
  label: Label,
  options: z
    .array(z.object({ value: slug, label: Label }))
    .max(20)
    .optional(),
});
export type ChecklistItem = z.infer<typeof ChecklistItem>;

/**
 * The items the dashboards count: a province may relabel them and change the lists of skills and
 * services, never remove them or change their type.
 */
export const CORE_ITEMS = {
  smartphone: 'yesno',
  vneid_adults: 'count',
  cashless: 'yesno',
  public_service_account: 'yesno',
  skills: 'choices',
  services: 'choices',
  notes: 'text',
} as const satisfies Record<string, (typeof ITEM_TYPES)[number]>;

export const Checklist = z
  .array(ChecklistItem)
  .min(1)
  .max(30)
  .superRefine((items, ctx) => {
    const ids = items.map((i) => i.id);
    for (const [id, type] of Object.entries(CORE_ITEMS)) {
      const item = items.find((i) => i.id === id);
      if (!item || item.type !== type) {
        ctx.addIssue({
          code: 'custom',
          path: [id],
          message: msg(
            `Mục "${id}" là chỉ tiêu bắt buộc (loại ${type}); chỉ đổi được tên và lựa chọn.`,
            `Item "${id}" is a required indicator (type ${type}); only its label and options may change.`,
          ),
        });
      }
    }
    const dup = ids.find((v, i) => ids.indexOf(v) !== i);
    if (dup)
      ctx.addIssue({
        code: 'custom',
        path: [dup],
        message: msg(`Mã "${dup}" bị trùng.`, `Duplicate id "${dup}".`),
      });
    for (const i of items) {
      if (i.type === 'choices' && !i.options?.length) {
        ctx.addIssue({
          code: 'custom',
          path: [i.id],
          message: msg('Mục nhiều lựa chọn cần danh sách lựa chọn.', 'A choices item needs options.'),
        });
      }
    }
  });

export const DEFAULT_CHECKLIST: ChecklistItem[] = [
  {
    id: 'smartphone',
    type: 'yesno',
    label: { vi: 'Hộ có điện thoại thông minh', en: 'The household has a smartphone' },
  },
  {
    id: 'vneid_adults',
    type: 'count',
    label: { vi: 'Số người lớn có tài khoản VNeID mức 2', en: 'Adults with a VNeID level-2 account' },
  },
  {
    id: 'cashless',
    type: 'yesno',
    label: {
      vi: 'Có tài khoản thanh toán không dùng tiền mặt',
      en: 'Has a cashless payment account',
    },
  },
  {
    id: 'public_service_account',
    type: 'yesno',
    label: { vi: 'Có tài khoản dịch vụ công trực tuyến', en: 'Has a public-service account' },
  },
  {
    id: 'skills',
    type: 'choices',
    label: { vi: 'Kỹ năng đã hướng dẫn', en: 'Skills taught' },
    options: [
      { value: 'install_apps', label: { vi: 'Cài đặt ứng dụng', en: 'Installing apps' } },
      { value: 'vneid', label: { vi: 'Kích hoạt, dùng VNeID', en: 'Activating and using VNeID' } },
      { value: 'payment', label: { vi: 'Thanh toán không dùng tiền mặt', en: 'Cashless payment' } },
      { value: 'public_services', label: { vi: 'Nộp hồ sơ trực tuyến', en: 'Filing online' } },
      { value: 'safety', label: { vi: 'An toàn trên mạng, phòng lừa đảo', en: 'Online safety, scams' } },
    ],
  },
  {
    id: 'services',
    type: 'choices',
    label: { vi: 'Dịch vụ đã dùng', en: 'Services used' },
    options: [
      { value: 'public_services', label: { vi: 'Dịch vụ công trực tuyến', en: 'Online public services' } },
      { value: 'vneid', label: { vi: 'VNeID', en: 'VNeID' } },
      { value: 'payment', label: { vi: 'Thanh toán điện tử', en: 'E-payment' } },
      { value: 'health', label: { vi: 'Sổ sức khỏe điện tử', en: 'Electronic health record' } },
      { value: 'commerce', label: { vi: 'Thương mại điện tử', en: 'E-commerce' } },
    ],
  },
  { id: 'notes', type: 'text', label: { vi: 'Ghi chú', en: 'Notes' } },
];

/**
 * The answers to one checklist, from a form (strings, repeated checkboxes) or JSON. A count of
 * adults cannot exceed the people in the household.
 */
export function answersSchema(items: readonly ChecklistItem[], members: number) {
  const shape: Record<string, z.ZodType> = {};
  for (const item of items) {
    switch (item.type) {
      case 'yesno':
        shape[item.id] = z.preprocess(
          (v) =>
            v === 'yes' || v === true || v === 'true'
              ? true
              : v === 'no' || v === false || v === 'false'
                ? false
                : v,
          z.boolean(msg('Chọn có hoặc không.', 'Choose yes or no.')),
        );
        break;
      case 'count':
        shape[item.id] = z.coerce
          .number({
            error: (issue) =>
              issue.code === 'invalid_type' ? msg('Nhập một số.', 'Enter a number.') : undefined,
          })
          .int()
          .min(0)
          .max(
            members,
            msg(
              `Không quá số người trong hộ (${members}).`,
              `At most the people in the household (${members}).`,
            ),
          );
        break;
      case 'choices': {
        const allowed = (item.options ?? []).map((o) => o.value);
        shape[item.id] = z.preprocess(
          (v) => (v === undefined || v === null ? [] : Array.isArray(v) ? v : [v]),
          z.array(z.enum(allowed as [string, ...string[]])).max(allowed.length),
        );
        break;
      }
      case 'text':
        shape[item.id] = z.string().trim().max(1000).transform(nfc).optional();
        break;
    }
  }
  return z.object(shape);
}

export const VisitMeta = z
  .object({
    startedAt: z.iso.datetime({ offset: true }),
    endedAt: z.iso.datetime({ offset: true }),
    lat: Latitude.optional(),
    lng: Longitude.optional(),
    accuracy: z.coerce.number().min(0).max(100_000).optional(),
    checklistId: z.coerce.number().int().positive(),
  })
  .superRefine((v, ctx) => {
    if (Date.parse(v.endedAt) < Date.parse(v.startedAt)) {
      ctx.addIssue({
        code: 'custom',
        path: ['endedAt'],
        message: msg('Giờ kết thúc trước giờ bắt đầu.', 'The visit ends before it starts.'),
      });
    }
  });
export type VisitMeta = z.infer<typeof VisitMeta>;

/** What a household row carries of its latest visit, so the kit shows it offline. */
export interface LastVisit {
  id: string;
  at: string;
  memberName: string;
  smartphone: boolean | null;
  vneidAdults: number | null;
  cashless: boolean | null;
  publicServiceAccount: boolean | null;
}

export interface ConflictField {
  field: string;
  base: unknown;
  server: unknown;
  client: unknown;
}

// ---------------------------------------------------------------------------------------------
// Sync protocol (decision 025)

/** Protocol versions the server reads. A change of a command's shape adds a version and keeps the last one. */
export const PROTOCOL = 1;
export const MIN_PROTOCOL = 1;

const uuid = z.uuid(msg('Mã không hợp lệ.', 'Not a valid id.'));

export const CommandEnvelope = z.object({
  id: uuid,
  type: z.string().max(40),
  protocol: z.number().int(),
  /** When the member made the change, on their phone's clock (kept for the record, never trusted for order). */
  at: z.iso.datetime({ offset: true }).optional(),
  data: z.record(z.string(), z.unknown()),
});
export type CommandEnvelope = z.infer<typeof CommandEnvelope>;

const partialFields = z.partialRecord(z.enum(HOUSEHOLD_FIELDS), z.unknown());

export const COMMANDS = {
  'household.create': z.object({ id: uuid, hamletId: z.number().int().positive(), fields: z.unknown() }),
  'household.update': z.object({
    id: uuid,
    /** The version the member's copy had. */
    baseVersion: z.number().int().positive(),
    /** The changed fields' values in that copy, to tell a concurrent change from an untouched one. */
    base: partialFields,
    /** The changed fields' new values. */
    changes: partialFields,
  }),
  'household.delete': z.object({
    id: uuid,
    baseVersion: z.number().int().positive(),
    reason: DeleteReason.shape.reason,
  }),
  'visit.record': z.object({
    id: uuid,
    householdId: uuid,
    meta: z.unknown(),
    answers: z.record(z.string(), z.unknown()),
  }),
  /** Parsed by assisted.service.ts (AssistData): a dossier filed for someone of a household. */
  'dossier.assist': z.record(z.string(), z.unknown()),
} as const;
export type CommandType = keyof typeof COMMANDS;

/** One push: at most 100 commands from one kit installation. */
export const PushRequest = z.object({
  clientId: uuid,
  appVersion: z.string().trim().min(1).max(40),
  commands: z.array(z.unknown()).max(100),
});
export type PushRequest = z.infer<typeof PushRequest>;

export const CommandResult = z.object({
  id: z.string(),
  status: z.enum(['applied', 'conflict', 'rejected']),
  /** True when this answer was kept from an earlier delivery of the same command. */
  replayed: z.boolean().optional(),
  household: z.object({ id: z.string(), version: z.number(), updateId: z.number() }).optional(),
  conflictId: z.number().optional(),
  /** The dossier an assisted filing made: the code the citizen tracks it by. */
  dossierCode: z.string().optional(),
  message: z.object({ vi: z.string(), en: z.string() }).optional(),
  errors: z.array(z.object({ field: z.string(), vi: z.string(), en: z.string() })).optional(),
});
export type CommandResult = z.infer<typeof CommandResult>;

export const PullQuery = z.object({
  /** The opaque cursor of the last pull ("hamletId:updateId,…"); absent for a first sync. */
  since: z
    .string()
    .max(400)
    .regex(/^(\d+:\d+)(,\d+:\d+)*$/)
    .optional(),
  checklist: z.coerce.number().int().nonnegative().optional(),
});
export type PullQuery = z.infer<typeof PullQuery>;

export const HouseholdOut = z.object({
  id: z.string(),
  hamletId: z.number(),
  version: z.number(),
  updateId: z.number(),
  deleted: z.boolean(),
  headName: z.string().nullable(),
  members: z.number(),
  phones: z.array(z.string()),
  address: z.string(),
  lat: z.number().nullable(),
  lng: z.number().nullable(),
  consent: z.boolean(),
  needsReview: z.boolean(),
  visitCount: z.number(),
  lastVisit: z
    .object({
      id: z.string(),
      at: z.string(),
      memberName: z.string(),
      smartphone: z.boolean().nullable(),
      vneidAdults: z.number().nullable(),
      cashless: z.boolean().nullable(),
      publicServiceAccount: z.boolean().nullable(),
    })
    .nullable(),
});
export type HouseholdOut = z.infer<typeof HouseholdOut>;

export const HamletOut = z.object({
  id: z.number(),
  code: z.string(),
  name: z.string(),
  commune: z.string(),
});
export type HamletOut = z.infer<typeof HamletOut>;

export const ChecklistOut = z.object({ id: z.number(), items: z.array(ChecklistItem) });
export type ChecklistOut = z.infer<typeof ChecklistOut>;

export const PullResponse = z.object({
  hamlets: z.array(HamletOut),
  /** Hamlets of the member beyond the cap, not synced (the kit says so). */
  notSynced: z.array(HamletOut),
  households: z.array(HouseholdOut),
  cursor: z.string(),
  /** More changes wait: pull again with the new cursor before saying "up to date". */
  more: z.boolean(),
  /** The province's current checklist when the kit's differs. */
  checklist: ChecklistOut.optional(),
  /** The version of the procedures the kit keeps (fetched again when it changes). */
  catalogue: z.string(),
});
export type PullResponse = z.infer<typeof PullResponse>;
