import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError, loadConfig } from '#platform/config.ts';
import { Invalid } from '#platform/errors.ts';
import { feeQuantity, feesDue } from './fees.ts';
import { amountInWords } from './money.ts';
import { parseAmount, parseBankDate, parseStatement } from './payments.service.ts';
import { decodeVietQr, descriptionNames, paymentPurpose, vietQrPayload } from './vietqr.ts';

/** CRC-16/CCITT-FALSE (poly 0x1021, init 0xFFFF), written here so the check does not trust the library. */
function crc16(s: string) {
  let crc = 0xffff;
  for (const byte of Buffer.from(s, 'utf8')) {
    crc ^= byte << 8;
    for (let i = 0; i < 8; i++) crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
  }
  return crc.toString(16).toUpperCase().padStart(4, '0');
}

/** EMVCo TLV: id (2 digits), length (2 digits), value; nested for templates. */
function tlv(s: string): Map<string, string> {
  const out = new Map<string, string>();
  let i = 0;
  while (i < s.length) {
    const id = s.slice(i, i + 2);
    const len = Number(s.slice(i + 2, i + 4));
    out.set(id, s.slice(i + 4, i + 4 + len));
    i += 4 + len;
  }
  return out;
}

const ACCOUNT = { bin: '970405', number: '8888123456789', name: 'UBND XA MAU SON' };

describe('amounts in words', () => {
  it('when fees are written in words, then they read as Vietnamese receipts write them', () => {
    const table: [number, string][] = [
      [0, 'Không đồng'],
      [5000, 'Năm nghìn đồng'],
      [8000, 'Tám nghìn đồng'],
      [15_000, 'Mười lăm nghìn đồng'],
      [21_000, 'Hai mươi mốt nghìn đồng'],
      [25_000, 'Hai mươi lăm nghìn đồng'],
      [104_000, 'Một trăm linh bốn nghìn đồng'],
      [1_005_000, 'Một triệu không trăm linh năm nghìn đồng'],
      [2_500_000, 'Hai triệu năm trăm nghìn đồng'],
    ];
    for (const [n, words] of table) assert.equal(amountInWords(n), words, String(n));
  });

  it('when an amount is not whole đồng, then it is refused', () => {
    assert.throws(() => amountInWords(2.5), RangeError);
    assert.throws(() => amountInWords(-1), RangeError);
  });
});

describe('VietQR payloads', () => {
  it('when our CRC is checked on the library README vector, then it agrees (the check itself is right)', () => {
    const known =
      '00020101021238530010A0000007270123000697041601092576788590208QRIBFTTA53037045405100005802VN62150811Chuyen tien630453E6';
    assert.equal(crc16(known.slice(0, -4)), known.slice(-4));
  });

  it('when a fee payload is built, then it decodes back to the account, the amount, the dossier code and a correct CRC', () => {
    const code = '20.06541-261122-0007';
    const payload = vietQrPayload(ACCOUNT, 13_000, code);
    // Independent reading of the EMVCo fields.
    const root = tlv(payload);
    assert.equal(root.get('00'), '01');
    assert.equal(root.get('01'), '12', 'dynamic QR (has an amount)');
    assert.equal(root.get('53'), '704', 'Vietnamese đồng');
    assert.equal(root.get('54'), '13000');
    assert.equal(root.get('58'), 'VN');
    const merchant = tlv(root.get('38') ?? '');
    assert.equal(merchant.get('00'), 'A000000727', 'Napas VietQR');
    const beneficiary = tlv(merchant.get('01') ?? '');
    assert.equal(beneficiary.get('00'), ACCOUNT.bin);
    assert.equal(beneficiary.get('01'), ACCOUNT.number);
    assert.equal(merchant.get('02'), 'QRIBFTTA', 'transfer to an account');
    assert.equal(tlv(root.get('62') ?? '').get('08'), code);
    assert.ok(payload.includes('6304'), 'the CRC field closes the payload');
    assert.equal(payload.slice(-4), crc16(payload.slice(0, -4)));
    // And the library's decoder agrees.
    const back = decodeVietQr(payload);
    assert.equal(back.valid, true);
    assert.deepEqual(
      [back.bin, back.account, back.amount, back.purpose],
      [ACCOUNT.bin, ACCOUNT.number, 13_000, code],
    );
    assert.equal(back.crc, back.computedCrc);
  });

  it('when one character of a payload changes, then the CRC no longer matches', () => {
    const payload = vietQrPayload(ACCOUNT, 13_000, '20.06541-261122-0007');
    const tampered = payload.replace('5405130005802', '5405930005802');
    assert.notEqual(tampered, payload);
    assert.equal(decodeVietQr(tampered).valid, false);
    assert.notEqual(tampered.slice(-4), crc16(tampered.slice(0, -4)));
  });

  it('when a code is too long for the 25-character purpose, then its letters and digits go, and statements still match', () => {
    const long = 'H15.50.05.13.99-261008-0975';
    const purpose = paymentPurpose(long);
    assert.ok(purpose.length <= 25, purpose);
    assert.equal(decodeVietQr(vietQrPayload(ACCOUNT, 5000, long)).purpose, purpose);
    assert.ok(descriptionNames(`MBVCB.123 ${purpose} chuyen tien`, long));
    assert.ok(
      descriptionNames('NGUYEN VAN A chuyen tien 20 06541 261122 0007 le phi', '20.06541-261122-0007'),
    );
    assert.ok(!descriptionNames('chuyen tien 20 06541 261122 0008', '20.06541-261122-0007'));
  });
});

describe('fees due', () => {
  const procedure = {
    fees: [
      {
        id: 'lePhi',
        name: { vi: 'Lệ phí' },
        amount: 20_000,
        onlineAmount: 10_000,
        per: 'dossier' as const,
        dueAt: 'receipt' as const,
      },
      {
        id: 'banSao',
        name: { vi: 'Phí bản sao' },
        amount: 8000,
        per: 'copy' as const,
        dueAt: 'return' as const,
      },
      {
        id: 'mienPhi',
        name: { vi: 'Miễn phí' },
        amount: 0,
        per: 'dossier' as const,
        dueAt: 'receipt' as const,
      },
    ],
  };

  it('when a dossier was filed online, then the online price applies; free fees are left out', () => {
    assert.deepEqual(
      feesDue(procedure, {}, 2, 'receipt').map((l) => l.amount),
      [10_000],
    );
    assert.deepEqual(
      feesDue(procedure, {}, 1, 'receipt').map((l) => l.amount),
      [20_000],
    );
  });

  it('when a fee is per copy, then the copies asked for in the e-form count', () => {
    assert.deepEqual(
      feesDue(procedure, { soBan: '3' }, 1, 'return').map((l) => [l.quantity, l.amount]),
      [[3, 24_000]],
    );
  });

  it('when a certified copy has 5 pages and 2 copies, then 2 pages × 2 at the first rate and 3 × 2 at the second', () => {
    const form = { pageCount: 5, copyCount: 2 };
    assert.equal(feeQuantity({ id: 'firstTwoPages', per: 'page' }, form), 4);
    assert.equal(feeQuantity({ id: 'furtherPages', per: 'page' }, form), 6);
    assert.equal(feeQuantity({ id: 'furtherPages', per: 'page' }, { pageCount: 1 }), 0);
  });
});

describe('bank statements', () => {
  it('when amounts and dates are written the Vietnamese way, then they are read right', () => {
    assert.equal(parseAmount('25.000'), 25_000);
    assert.equal(parseAmount('25,000'), 25_000);
    assert.equal(parseAmount('+1.250.000,00'), 1_250_000);
    assert.equal(parseAmount('-5.000'), -5000);
    assert.equal(parseAmount(''), undefined);
    assert.equal(parseBankDate('22/11/2026 09:15')?.toISOString(), '2026-11-22T02:15:00.000Z');
    assert.equal(parseBankDate('2026-11-22')?.toISOString(), '2026-11-21T17:00:00.000Z');
  });

  it('when a statement has a letterhead, semicolons and Vietnamese headings, then the credits are found', () => {
    const csv = [
      'NGÂN HÀNG NÔNG NGHIỆP VÀ PHÁT TRIỂN NÔNG THÔN;;;',
      'Sao kê tài khoản 8888123456789;;;',
      'Ngày giao dịch;Số tham chiếu;Diễn giải;Ghi có;Ghi nợ',
      '22/11/2026 09:15;FT2611220001;LY THI NGUYET chuyen tien 20.06541-261122-0007;5.000;',
      '22/11/2026 10:00;FT2611220002;Phi dich vu SMS;;11.000',
    ].join('\n');
    // Ghi có is the credit column; the debit line has no credit and is skipped.
    const lines = parseStatement(csv.replace('Ghi có', 'Số tiền ghi có'));
    assert.equal(lines.length, 1);
    assert.deepEqual([lines[0]?.amount, lines[0]?.reference, lines[0]?.lineNo], [5000, 'FT2611220001', 4]);
  });

  it('when a file has no amount or description column, then it is refused with a reason', () => {
    assert.throws(
      () => parseStatement('a,b,c\n1,2,3\n'),
      (e: unknown) => e instanceof Invalid && /Số tiền/.test(e.fields[0]?.vi ?? ''),
    );
  });
});

describe('the commune account in config', () => {
  it('when only part of the account is configured, then the process refuses to start and names the variables', () => {
    assert.throws(
      () => loadConfig({ PAYMENT_BANK_BIN: '970405' }),
      (e: unknown) =>
        e instanceof ConfigError &&
        /PAYMENT_BANK_BIN, PAYMENT_ACCOUNT_NUMBER and PAYMENT_ACCOUNT_NAME/.test(e.message),
    );
    assert.throws(
      () => loadConfig({ PAYMENT_BANK_BIN: '9704', PAYMENT_ACCOUNT_NUMBER: '1', PAYMENT_ACCOUNT_NAME: 'x' }),
      ConfigError,
    );
    const ok = loadConfig({
      PAYMENT_BANK_BIN: '970405',
      PAYMENT_ACCOUNT_NUMBER: '8888123456789',
      PAYMENT_ACCOUNT_NAME: 'UBND XA MAU SON',
    });
    assert.equal(ok.PAYMENT_ACCOUNT_NUMBER, '8888123456789');
  });
});
