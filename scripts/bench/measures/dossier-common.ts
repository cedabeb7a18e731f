export const COMMUNE = '06541';
export const PROCEDURE = '1.001193';

export const APPLICANT = {
  name: 'Hoàng Thị Mai',
  idNumber: '020190000123',
  phone: '0912345678',
  address: 'Thôn Khuổi Tào, xã Mẫu Sơn, Lạng Sơn',
};

export const FORM = {
  childName: 'Hoàng Văn An',
  childBirthDate: '2026-02-20',
  childSex: 'nam',
  childBirthPlace: 'Trạm y tế xã Mẫu Sơn',
  childEthnicity: 'Dao',
  childNationality: 'Việt Nam',
  motherName: 'Hoàng Thị Mai',
  requesterRelationship: 'me',
};

/** A small real PDF (ASCII only, so autocannon's id replacement leaves it intact). */
export const PDF = Buffer.from(
  '%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n% giay chung sinh\ntrailer<</Root 1 0 R>>\n%%EOF\n',
  'latin1',
);

/** A multipart body as FormData encodes it. */
export async function multipartBody(
  parts: { name: string; value?: string; file?: { filename: string; data: Buffer } }[],
) {
  const fd = new FormData();
  for (const p of parts) {
    if (p.file)
      fd.append(
        p.name,
        new Blob([new Uint8Array(p.file.data)], { type: 'application/pdf' }),
        p.file.filename,
      );
    else fd.append(p.name, p.value ?? '');
  }
  const res = new Response(fd);
  return { body: Buffer.from(await res.arrayBuffer()), contentType: res.headers.get('content-type') ?? '' };
}

export function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))] ?? Number.NaN;
}
