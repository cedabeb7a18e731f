import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { setTimeout } from 'node:timers/promises';
import { crc32, deflateSync } from 'node:zlib';
import { Invalid } from '#platform/errors.ts';
import { createTestDatabase } from '#test/support/db.ts';
import { FileService, LocalBlobStore } from './index.ts';

const CAP = 1024 * 1024;

/** A small but well-formed PDF: header, one empty page, cross-reference table, trailer. */
function pdf(padTo?: number) {
  const objects = [
    '1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n',
    '2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj\n',
    '3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >> endobj\n',
  ];
  let body = '%PDF-1.4\n';
  const offsets: number[] = [];
  for (const o of objects) {
    offsets.push(body.length);
    body += o;
  }
  const xref = body.length;
  body += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const off of offsets) body += `${String(off).padStart(10, '0')} 00000 n \n`;
  body += `trailer << /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  const bytes = Buffer.from(body, 'latin1');
  if (padTo === undefined) return bytes;
  // A comment line before %%EOF grows the file to the exact size wanted.
  const eof = bytes.lastIndexOf('%%EOF');
  const pad = padTo - bytes.length;
  assert.ok(pad >= 2);
  return Buffer.concat([
    bytes.subarray(0, eof),
    Buffer.from(`%${'x'.repeat(pad - 2)}\n`),
    bytes.subarray(eof),
  ]);
}

function pngChunk(type: string, data: Buffer) {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const typeAndData = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(typeAndData));
  return Buffer.concat([length, typeAndData, crc]);
}

/** A valid 1x1 RGB PNG, red. */
function png() {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(1, 0);
  ihdr.writeUInt32BE(1, 4);
  ihdr.writeUInt8(8, 8); // bit depth
  ihdr.writeUInt8(2, 9); // colour type: RGB
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', ihdr),
    pngChunk('IDAT', deflateSync(Buffer.from([0, 0xc0, 0x39, 0x2b]))),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

/** A real 8x8 baseline JPEG (JFIF), as a camera-less encoder writes it. */
const JPEG = Buffer.from(
  '/9j/4AAQSkZJRgABAgAAAQABAAD//gAQTGF2YzU5LjM3LjEwMAD/2wBDAAgEBAQEBAUFBQUFBQYGBgYGBgYGBgYGBgYHBwcICAgHBwcGBgcHCAgICAkJCQgICAgJCQoKCgwMCwsODg4RERT/xABMAAEBAAAAAAAAAAAAAAAAAAAABgEBAQAAAAAAAAAAAAAAAAAABgcQAQAAAAAAAAAAAAAAAAAAAAARAQAAAAAAAAAAAAAAAAAAAAD/wAARCAAIAAgDASIAAhEAAxEA/9oADAMBAAIRAxEAPwCLAFF/f//Z',
  'base64',
);

/** A Windows executable's start: the DOS header ("MZ") and stub. */
function exe() {
  const b = Buffer.alloc(512);
  b.write('MZ', 0, 'latin1');
  b.writeUInt32LE(0x80, 0x3c);
  b.write('This program cannot be run in DOS mode.', 0x4e, 'latin1');
  b.write('PE\0\0', 0x80, 'latin1');
  return b;
}

/** Bytes as an upload arrives: in 16 KiB chunks. */
function upload(bytes: Buffer) {
  return Readable.from(
    (function* () {
      for (let i = 0; i < bytes.length; i += 16 * 1024) yield bytes.subarray(i, i + 16 * 1024);
    })(),
  );
}

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await fs.readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => !e.isDirectory()).map((e) => path.join(e.parentPath, e.name));
}

async function readAll(stream: Readable) {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

/** `promise`'s outcome, or 'timed out' after `ms`; the timer is cleared either way. */
async function within<T>(ms: number, promise: Promise<T>): Promise<T | 'timed out'> {
  const timer = new AbortController();
  try {
    return await Promise.race([promise, setTimeout(ms, 'timed out' as const, { signal: timer.signal })]);
  } finally {
    timer.abort();
  }
}

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

describe('file storage', () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let root: string;
  let files: FileService;

  before(async () => {
    database = await createTestDatabase();
    root = await fs.mkdtemp(path.join(os.tmpdir(), 'xaso-storage-'));
    files = new FileService(new LocalBlobStore(root), database, CAP);
  });
  after(async () => {
    await database.close();
    await fs.rm(root, { recursive: true, force: true });
  });

  const rowsOf = (id: string) =>
    database.query<{
      storage_key: string;
      original_name: string;
      mime_type: string;
      size_bytes: number;
      sha256: string;
    }>('select storage_key, original_name, mime_type, size_bytes, sha256 from files where id = $1', [id]);
  const countRows = async () =>
    Number((await database.query<{ n: number }>('select count(*)::int as n from files'))[0]?.n);

  /**
   * Saves into an empty store expecting a refusal; returns the error after checking nothing was kept.
   * The refusal must come only through the promise: an 'error' event escaping as an uncaught exception
   * would take the whole server down for one bad upload.
   */
  async function refused(
    source: Readable,
    originalName: string,
    opts: { maxBytes?: number; field?: string } = {},
  ) {
    const rowsBefore = await countRows();
    const own = mkdtempSync(path.join(os.tmpdir(), 'xaso-storage-'));
    try {
      const service = new FileService(new LocalBlobStore(own), database, CAP);
      const error = await within(
        5000,
        service.save(source, { originalName, ...opts }).then(
          () => assert.fail(`${originalName} should have been refused`),
          (e: unknown) => e,
        ),
      );
      assert.notEqual(error, 'timed out', `saving ${originalName} neither finished nor failed within 5 s`);
      assert.ok(error instanceof Invalid, `expected Invalid, got ${String(error)}`);
      // Let any late cleanup or late write land before looking.
      await setTimeout(50);
      assert.deepEqual(await filesUnder(own), [], 'no file and no .part is left on disk');
      assert.equal(await countRows(), rowsBefore, 'no files row');
      return error;
    } finally {
      rmSync(own, { recursive: true, force: true });
    }
  }

  for (const [label, name, bytes, mime] of [
    ['a small PDF', 'don-de-nghi.pdf', pdf(), 'application/pdf'],
    ['a 1x1 PNG', 'anh-the.png', png(), 'image/png'],
    ['a JPEG', 'cccd-mat-truoc.jpg', JPEG, 'image/jpeg'],
  ] as const) {
    it(`when ${label} is uploaded, then it is stored with its real type, size and sha256, and a files row`, async () => {
      const saved = await files.save(upload(bytes), { originalName: name });
      assert.equal(saved.mimeType, mime);
      assert.equal(saved.sizeBytes, bytes.length);
      assert.equal(saved.sha256, sha256(bytes));
      assert.equal(saved.originalName, name);
      const [row] = await rowsOf(saved.id);
      assert.ok(row, 'files row');
      assert.equal(row.mime_type, mime);
      assert.equal(Number(row.size_bytes), bytes.length);
      assert.equal(row.sha256, sha256(bytes));
      assert.deepEqual(await fs.readFile(path.join(root, row.storage_key)), bytes);
    });
  }

  it('when a Windows executable is uploaded as a PDF, then it is refused in Vietnamese and nothing is kept', async () => {
    const e = await refused(upload(exe()), 'giay-to.pdf');
    assert.equal(e.fields[0]?.field, 'file');
    assert.match(e.fields[0]?.vi ?? '', /"giay-to\.pdf" không phải PDF, JPEG hoặc PNG thật/);
  });

  it('when a text file is renamed giay-to.pdf, then it is refused as not a real PDF and nothing is kept', async () => {
    const text = Buffer.from(
      'Đơn đề nghị cấp bản sao giấy khai sinh\nHọ và tên: Nguyễn Văn Đạt\n'.repeat(200),
    );
    const e = await refused(upload(text), 'giay-to.pdf');
    assert.match(e.fields[0]?.vi ?? '', /không phải PDF, JPEG hoặc PNG thật/);
    assert.match(e.fields[0]?.en ?? '', /not a real PDF, JPEG or PNG/);
  });

  it('when a file is one byte over the cap, then it is refused as too large (in MB) and nothing is kept', async () => {
    const e = await refused(upload(pdf(CAP + 1)), 'ho-so-lon.pdf');
    assert.match(e.fields[0]?.vi ?? '', /"ho-so-lon\.pdf" lớn hơn 1 MB/);
    assert.match(e.fields[0]?.en ?? '', /larger than 1 MB/);
  });

  it('when a caller asks for a lower cap, then that cap applies', async () => {
    const e = await refused(upload(pdf(64 * 1024 + 1)), 'anh.pdf', {
      field: 'attachment',
      maxBytes: 64 * 1024,
    });
    assert.equal(e.fields[0]?.field, 'attachment');
    assert.match(e.fields[0]?.vi ?? '', /lớn hơn 0\.1 MB/);
  });

  it('when a file is exactly at the cap, then it is accepted and open() streams back the same bytes', async () => {
    const bytes = pdf(CAP);
    assert.equal(bytes.length, CAP);
    const saved = await files.save(upload(bytes), { originalName: 'ho-so-vua-du.pdf' });
    assert.equal(saved.sizeBytes, CAP);
    assert.equal(saved.mimeType, 'application/pdf');
    const opened = await files.open(saved.id);
    assert.ok(opened);
    assert.deepEqual(opened.file, saved);
    const back = await readAll(opened.stream);
    assert.equal(back.length, CAP);
    assert.equal(sha256(back), sha256(bytes));
    assert.ok(back.equals(bytes));
  });

  it('when the upload breaks off midway (the connection drops), then saving fails and nothing is kept', async () => {
    const bytes = pdf(200 * 1024);
    const source = new Readable({ read() {} });
    // The HTTP layer listens for the abort itself; what matters here is what save() does with it.
    source.on('error', () => {});
    source.push(bytes.subarray(0, 64 * 1024));
    setTimeout(20).then(() => source.destroy(new Error('aborted')));
    const rowsBefore = await countRows();
    const own = mkdtempSync(path.join(os.tmpdir(), 'xaso-storage-'));
    try {
      const service = new FileService(new LocalBlobStore(own), database, CAP);
      const outcome = await within(
        5000,
        service.save(source, { originalName: 'mat-mang.pdf' }).then(
          () => 'saved',
          (e: Error) => `failed: ${e.message}`,
        ),
      );
      assert.equal(outcome, 'failed: aborted');
      await setTimeout(50);
      assert.deepEqual(await filesUnder(own), [], 'no file and no .part is left on disk');
      assert.equal(await countRows(), rowsBefore, 'no files row');
    } finally {
      rmSync(own, { recursive: true, force: true });
    }
  });

  it('when a file is stored without its row, then nothing finds it until the row is recorded, and recording twice keeps one row', async () => {
    const bytes = pdf();
    const stored = await files.store(upload(bytes), { originalName: 'to-khai.pdf' });
    assert.deepEqual(await fs.readFile(path.join(root, stored.storageKey)), bytes);
    assert.equal(await files.open(stored.id), undefined);
    await files.record([stored]);
    await files.record([stored]);
    assert.equal((await rowsOf(stored.id)).length, 1);
    const opened = await files.open(stored.id);
    assert.equal(opened?.file.sha256, sha256(bytes));
    assert.ok((await readAll(opened.stream)).equals(bytes));
  });

  it('when an unknown id is opened, then nothing comes back', async () => {
    assert.equal(await files.open('00000000-0000-4000-8000-000000000000'), undefined);
  });
});
