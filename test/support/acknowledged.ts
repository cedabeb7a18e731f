/**
 * Online submissions as a client files them under faults, and the check that every acknowledged one
 * is in the database exactly once: shared by the crash test (test/pg/dossier-crash.test.ts) and the
 * soak (scripts/soak.ts).
 */
import type pg from 'pg';

/** Submitter number `i`'s phone: the tracking proof is its last four digits. */
export const submitterPhone = (i: number) => `091${String(2000000 + i).padStart(7, '0')}`;

/** A birth registration (1.001193) at Xã Mẫu Sơn with its one document, as multipart form data. */
export function submissionForm(i: number): FormData {
  const fd = new FormData();
  fd.append('procedureCode', '1.001193');
  fd.append('unitCode', '06541');
  fd.append(
    'applicant',
    JSON.stringify({
      name: `Người nộp ${i}`,
      idNumber: `0201900${String(i % 100_000).padStart(5, '0')}`,
      phone: submitterPhone(i),
      address: 'Thôn Khuổi Tào, xã Mẫu Sơn',
    }),
  );
  fd.append(
    'form',
    JSON.stringify({
      childName: `Trẻ ${i}`,
      childBirthDate: '2026-02-20',
      childSex: 'nu',
      childBirthPlace: 'Trạm y tế xã Mẫu Sơn',
      childEthnicity: 'Dao',
      childNationality: 'Việt Nam',
      motherName: `Mẹ ${i}`,
      requesterRelationship: 'me',
    }),
  );
  const pdf = Buffer.from(`%PDF-1.4\n% giay chung sinh ${i}\ntrailer<<>>\n%%EOF\n`, 'latin1');
  fd.append('doc.birthCertificate', new Blob([new Uint8Array(pdf)]), 'chung-sinh.pdf');
  return fd;
}

/**
 * What is wrong with the acknowledged submissions (Idempotency-Key → every code a 201 gave it), in
 * the dossiers whose key starts with `keyPrefix`: a key with no dossier or with two, a 201 that named
 * another dossier, a submission logged, stored or texted other than once. Empty when all is well.
 */
export async function submissionProblems(
  db: pg.Client,
  answered: Map<string, string[]>,
  keyPrefix: string,
): Promise<string[]> {
  const { rows } = await db.query<{
    code: string;
    idempotency_key: string;
    submits: number;
    files: number;
    sms: number;
  }>(
    `select d.code, d.idempotency_key,
       (select count(*)::int from dossier_actions a where a.dossier_id = d.id and a.type = 'submit') as submits,
       (select count(*)::int from dossier_files f where f.dossier_id = d.id) as files,
       (select count(*)::int from notifications n, dossier_actions a
         where a.dossier_id = d.id and a.type = 'submit' and n.dedupe_key like 'dossier-action:' || a.id || ':%') as sms
     from dossiers d where starts_with(d.idempotency_key, $1)`,
    [keyPrefix],
  );
  const problems: string[] = [];
  const byKey = new Map<string, typeof rows>();
  for (const r of rows) byKey.set(r.idempotency_key, [...(byKey.get(r.idempotency_key) ?? []), r]);
  for (const [key, found] of byKey) {
    if (found.length > 1) problems.push(`${key}: ${found.length} dossiers (${found.map((r) => r.code)})`);
  }
  for (const [key, codes] of answered) {
    const row = byKey.get(key)?.[0];
    if (!row) {
      problems.push(`${key}: acknowledged as ${codes[0]} but not in the database`);
      continue;
    }
    for (const c of codes)
      if (c !== row.code) problems.push(`${key}: a 201 named ${c}, the database ${row.code}`);
    if (row.submits !== 1) problems.push(`${key}: ${row.submits} submissions in the log`);
    if (row.files !== 1) problems.push(`${key}: ${row.files} documents`);
    if (row.sms !== 1) problems.push(`${key}: ${row.sms} SMS queued`);
  }
  return problems;
}

/** Gaps and repeats in the daily dossier numbers: each unit's day (the code without its number) runs 1…N. */
export async function numberingProblems(db: pg.Client): Promise<string[]> {
  const { rows } = await db.query<{ code: string }>('select code from dossiers');
  const days = new Map<string, number[]>();
  for (const { code } of rows) {
    const cut = code.lastIndexOf('-');
    const day = code.slice(0, cut);
    days.set(day, [...(days.get(day) ?? []), Number(code.slice(cut + 1))]);
  }
  const problems: string[] = [];
  for (const [day, numbers] of days) {
    numbers.sort((a, b) => a - b);
    const wrong = numbers.findIndex((n, i) => n !== i + 1);
    if (wrong >= 0) {
      problems.push(
        `${day}: number ${wrong + 1} of ${numbers.length} is ${numbers[wrong]} (${numbers[wrong] === numbers[wrong - 1] ? 'a repeat' : 'a gap'})`,
      );
    }
  }
  return problems;
}
