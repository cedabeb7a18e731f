import { z } from 'zod';
import type { ProcedureDefinition } from '#modules/procedures/index.ts';
import { msg } from '#platform/validation.ts';
import type { DossierRecord } from './dossier-source.ts';
import type { Issuer, ResultTemplate } from './forms/types.ts';
import { vnDate } from './pdf/vn-format.ts';

/** A result template as an admin writes it (JSON on the template page). */
export const ResultTemplateSchema = z.object({
  title: z.string().trim().min(1).max(200),
  basis: z.array(z.string().trim().min(1).max(500)).max(10).default([]),
  body: z.array(z.string().trim().min(1).max(2000)).max(20).default([]),
  fields: z
    .array(z.object({ label: z.string().trim().min(1).max(200), value: z.string().trim().min(1).max(500) }))
    .max(40)
    .default([]),
  closing: z.array(z.string().trim().min(1).max(2000)).max(10).default([]),
  signerTitle: z.string().trim().min(1, msg('Ghi chức danh người ký.', "Give the signer's title.")).max(200),
}) satisfies z.ZodType<ResultTemplate>;

/**
 * The template a procedure gets until an admin writes its own: the result's name as the title,
 * the request it answers, and every answer of the e-form as a line (labels from the e-form).
 */
export function defaultTemplate(p: ProcedureDefinition): ResultTemplate {
  return {
    title: p.result.name.vi,
    basis: [
      ...p.legalBasis.slice(0, 3).map((b) => `Căn cứ ${b};`),
      'Xét đề nghị của ông/bà {{applicant.name}} tại hồ sơ số {{dossier.code}},',
    ],
    body: [`{{issuer.authority}} giải quyết thủ tục “${p.name.vi}” với nội dung sau:`],
    fields: [
      { label: 'Người đề nghị', value: '{{applicant.name}}' },
      { label: 'Số định danh cá nhân', value: '{{applicant.idNumber}}' },
      { label: 'Nơi cư trú', value: '{{applicant.address}}' },
      ...p.form
        .filter((f) => f.type !== 'checkbox')
        .map((f) => ({ label: f.label.vi, value: `{{form.${f.name}}}` })),
    ],
    closing: [],
    signerTitle: 'TM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH',
  };
}

function display(v: unknown, field: ProcedureDefinition['form'][number] | undefined): string {
  if (v === undefined || v === null || v === '') return '';
  if (field?.type === 'select') {
    const o = field.options?.find((x) => x.value === String(v));
    if (o) return o.label.vi;
  }
  if (field?.type === 'date' && typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v)) {
    const [y, m, d] = v.split('-');
    return `${d}/${m}/${y}`;
  }
  if (typeof v === 'boolean') return v ? 'Có' : 'Không';
  if (Array.isArray(v)) return v.map(String).join(', ');
  return String(v);
}

/** The values `{{…}}` placeholders read, from a dossier. */
export function templateValues(d: DossierRecord, issuer: Issuer, at: Date): Record<string, string> {
  const values: Record<string, string> = {
    'applicant.name': d.applicant.name,
    'applicant.idNumber': d.applicant.idNumber ?? '',
    'applicant.address': d.applicant.address ?? '',
    'applicant.phone': d.applicant.phone,
    'dossier.code': d.code,
    'procedure.name': d.procedure.name.vi,
    'procedure.code': d.procedureCode,
    'issuer.authority': issuer.authority,
    date: vnDate(at),
  };
  for (const [k, v] of Object.entries(d.formData)) {
    values[`form.${k}`] = display(
      v,
      d.procedure.form.find((f) => f.name === k),
    );
  }
  return values;
}
