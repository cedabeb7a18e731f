import type { Fee, ProcedureDefinition, RequiredDocument } from '#modules/procedures/index.ts';
import type { Aspect } from './dvcqg.tables.ts';

/**
 * Where the national catalogue's record of a procedure (LayThuTuc) and the local one differ, aspect
 * by aspect: processing time, fees, papers, legal basis. Pure. For each difference, what the local
 * record would become if an admin accepted it: the national content, keeping the local wording and
 * settings of whatever both already share (a paper's id, form and count; a fee's rules; a legal
 * text quoted with its articles), so that accepting never loses more than the difference.
 */

export interface Difference<T = unknown> {
  aspect: Aspect;
  local: T;
  national: T;
  /** The local record's value for this aspect after accepting. */
  proposed: T;
}

type Rec = Record<string, unknown>;
const list = (v: unknown): Rec[] => (Array.isArray(v) ? (v as Rec[]) : []);

/** Diacritics, case and spacing do not make two names different. */
export function sameName(a: string, b: string) {
  const key = (s: string) =>
    s
      .normalize('NFD')
      .replace(/[\u0300-\u036f]/g, '')
      .replace(/[đĐ]/g, 'd')
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, ' ')
      .trim();
  return key(a) === key(b);
}

/** A local id (`^[a-z][a-zA-Z0-9_]{0,39}$`) from a national code, unique among `taken`. */
function slugFrom(code: string, taken: Set<string>) {
  let base = code
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .slice(0, 32);
  if (!/^[a-z]/.test(base)) base = `n${base}`;
  let id = base;
  for (let i = 2; taken.has(id); i++) id = `${base}_${i}`;
  taken.add(id);
  return id;
}

/** The channel the local record's one time and fee list stand for: in person first, else the first. */
function channelOf(national: Rec): Rec | undefined {
  const ways = list(national.CACHTHUCTHUCHIEN);
  return ways.find((w) => Number(w.KENH) === 1) ?? ways[0];
}

export function nationalTime(national: Rec): { days: number; daysUnit: 'working' | 'calendar' } | undefined {
  const time = list(channelOf(national)?.THOIGIAN)[0];
  if (!time || typeof time.THOIGIANGIAIQUYET !== 'number') return undefined;
  const unit = String(time.DONVITINH ?? '').toLowerCase();
  if (!unit.includes('ngày')) return undefined; // hours, months: not what the local record counts in
  return { days: time.THOIGIANGIAIQUYET, daysUnit: unit.includes('làm việc') ? 'working' : 'calendar' };
}

export interface NationalFee {
  code: string;
  amount: number;
  note: string;
}

export function nationalFees(national: Rec): NationalFee[] {
  return list(list(channelOf(national)?.THOIGIAN)[0]?.PHILEPHI)
    .map((f) => ({
      code: String(f.MAPHILEPHI ?? ''),
      amount: Number(f.SOTIEN ?? 0),
      note: String(f.MOTA ?? ''),
    }))
    .filter((f) => Number.isFinite(f.amount) && f.amount > 0);
}

export function nationalPapers(national: Rec): { code: string; name: string }[] {
  const out: { code: string; name: string }[] = [];
  for (const c of list(national.THANHPHANHOSO)) {
    for (const g of list(c.GIAYTO)) {
      const name = String(g.TENGIAYTO ?? '').trim();
      if (name && !out.some((o) => sameName(o.name, name)))
        out.push({ code: String(g.MAGIAYTO ?? name), name });
    }
  }
  return out;
}

export function nationalLaws(national: Rec): { number: string; name: string }[] {
  return list(national.CANCUPHAPLY)
    .map((l) => ({ number: String(l.SOVANBAN ?? '').trim(), name: String(l.TENVANBAN ?? '').trim() }))
    .filter((l) => l.number || l.name);
}

const cites = (text: string, number: string) => number !== '' && text.includes(number);

export function differences(local: ProcedureDefinition, national: Rec): Difference[] {
  const out: Difference[] = [];

  const time = nationalTime(national);
  const localTime = { days: local.days, daysUnit: local.daysUnit ?? 'working' };
  if (time && (time.days !== localTime.days || time.daysUnit !== localTime.daysUnit)) {
    out.push({ aspect: 'days', local: localTime, national: time, proposed: time });
  }

  // Fees: compared by amount (the national record names a fee by its code and a note only).
  const fees = nationalFees(national);
  const charged = local.fees.filter((f) => f.amount > 0);
  const amounts = (xs: number[]) => [...xs].sort((a, b) => a - b).join(',');
  if (amounts(fees.map((f) => f.amount)) !== amounts(charged.map((f) => f.amount))) {
    const taken = new Set<string>();
    const unused = [...charged];
    const proposed: Fee[] = fees.map((n) => {
      const i = unused.findIndex((f) => f.amount === n.amount);
      if (i >= 0) {
        const [kept] = unused.splice(i, 1) as [Fee];
        taken.add(kept.id);
        return kept;
      }
      return {
        id: slugFrom(n.code || 'phi', taken),
        name: { vi: n.note || 'Phí, lệ phí' },
        amount: n.amount,
        per: 'dossier',
        dueAt: 'receipt',
      } as Fee;
    });
    out.push({
      aspect: 'fees',
      local: charged.map((f) => ({ name: f.name.vi, amount: f.amount })),
      national: fees,
      proposed,
    });
  }

  const papers = nationalPapers(national);
  if (papers.length > 0) {
    const missing = papers.filter((p) => !local.documents.some((d) => sameName(d.name.vi, p.name)));
    const extra = local.documents.filter((d) => !papers.some((p) => sameName(d.name.vi, p.name)));
    if (missing.length || extra.length) {
      const taken = new Set(local.documents.map((d) => d.id));
      const proposed: RequiredDocument[] = papers.map(
        (p) =>
          local.documents.find((d) => sameName(d.name.vi, p.name)) ??
          ({
            id: slugFrom(p.code, taken),
            name: { vi: p.name },
            form: 'original_or_copy',
            count: 1,
            mandatory: true,
          } as RequiredDocument),
      );
      out.push({
        aspect: 'documents',
        local: local.documents.map((d) => d.name.vi),
        national: papers.map((p) => p.name),
        proposed,
      });
    }
  }

  const laws = nationalLaws(national);
  if (laws.length > 0) {
    const missing = laws.filter((l) => !local.legalBasis.some((t) => cites(t, l.number)));
    const extra = local.legalBasis.filter((t) => !laws.some((l) => cites(t, l.number)));
    if (missing.length || extra.length) {
      const proposed = laws.map(
        (l) => local.legalBasis.find((t) => cites(t, l.number)) ?? `${l.name} số ${l.number}`.trim(),
      );
      out.push({
        aspect: 'legal_basis',
        local: local.legalBasis,
        national: laws.map((l) => `${l.name} số ${l.number}`.trim()),
        proposed,
      });
    }
  }
  return out;
}

/** The local definition with an accepted difference applied. */
export function applyDifference(
  def: ProcedureDefinition,
  aspect: Aspect,
  proposed: unknown,
): ProcedureDefinition {
  switch (aspect) {
    case 'days': {
      const p = proposed as { days: number; daysUnit: 'working' | 'calendar' };
      const { daysUnit: _, ...rest } = def;
      return { ...rest, days: p.days, ...(p.daysUnit === 'calendar' ? { daysUnit: 'calendar' } : {}) };
    }
    case 'fees':
      // Free fees the local record lists (amount 0) are notes to the citizen: they stay.
      return { ...def, fees: [...(proposed as Fee[]), ...def.fees.filter((f) => f.amount === 0)] };
    case 'documents':
      return { ...def, documents: proposed as RequiredDocument[] };
    case 'legal_basis':
      return { ...def, legalBasis: proposed as string[] };
  }
}
