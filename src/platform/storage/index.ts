import { createHash, randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { type Readable, Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { S3Client } from '@aws-sdk/client-s3';
import { type SQL, sql } from 'drizzle-orm';
import { fileTypeFromBuffer } from 'file-type';
import type { Config } from '../config.ts';
import type { SqlRunner } from '../db/client.ts';
import { Invalid } from '../errors.ts';
import { referencesOf } from './sweep.ts';

/** One stored object, as a walk over the store finds it. */
export interface BlobEntry {
  key: string;
  sizeBytes: number;
  modifiedAt: Date;
}

/** Where file bytes live. Metadata lives in the `files` table, whatever the backend. */
export interface BlobStore {
  write(key: string, source: Readable): Promise<void>;
  read(key: string): Promise<Readable>;
  remove(key: string): Promise<void>;
  /** Every object in the store, half-written ones included (for the sweep, `sweepFiles`). */
  list(): AsyncIterable<BlobEntry>;
}

export class LocalBlobStore implements BlobStore {
  /** Folders made already (one a month): made once, not before every file. */
  private readonly made = new Set<string>();
  constructor(private readonly root: string) {}

  private pathOf(key: string) {
    // A `.part` is a write that never finished (a crash between write and rename): the sweep removes it.
    if (!/^[a-z0-9/-]+(\.part)?$/.test(key) || key.includes('..'))
      throw new Error(`unsafe storage key ${key}`);
    return path.join(this.root, key);
  }

  async write(key: string, source: Readable) {
    const target = this.pathOf(key);
    const folder = path.dirname(target);
    if (!this.made.has(folder)) {
      await fs.mkdir(folder, { recursive: true });
      this.made.add(folder);
    }
    // Write beside, then rename: a reader never sees half a file.
    const partial = `${target}.part`;
    try {
      await pipeline(source, createWriteStream(partial, { flags: 'wx' }));
      await fs.rename(partial, target);
    } catch (e) {
      await fs.rm(partial, { force: true });
      throw e;
    }
  }

  async read(key: string) {
    return createReadStream(this.pathOf(key));
  }

  async remove(key: string) {
    await fs.rm(this.pathOf(key), { force: true });
  }

  async *list(): AsyncIterable<BlobEntry> {
    let names: string[];
    try {
      names = (await fs.readdir(this.root, { recursive: true })).map(String);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw e;
    }
    for (const name of names) {
      const key = name.split(path.sep).join('/');
      const stat = await fs.stat(path.join(this.root, name)).catch(() => undefined);
      if (!stat?.isFile()) continue;
      yield { key, sizeBytes: stat.size, modifiedAt: stat.mtime };
    }
  }
}

/**
 * Any S3-compatible object store (MinIO, Ceph, a cloud provider), for provinces whose instances run
 * on several machines. Uploads of unknown length go up as multipart uploads.
 *
 * The AWS SDK is loaded on the first use, not with the app: it is some 10 MB of a process's memory
 * and a part of its start-up, and a commune box on local storage never needs it (decision 028).
 */
export class S3BlobStore implements BlobStore {
  private sdk:
    | Promise<{
        client: S3Client;
        s3: typeof import('@aws-sdk/client-s3');
        Upload: typeof import('@aws-sdk/lib-storage').Upload;
      }>
    | undefined;
  constructor(
    private readonly opts: { endpoint: string; region: string; accessKey: string; secretKey: string },
    private readonly bucket: string,
  ) {}

  private load() {
    this.sdk ??= Promise.all([import('@aws-sdk/client-s3'), import('@aws-sdk/lib-storage')]).then(
      ([s3, { Upload }]) => ({
        s3,
        Upload,
        client: new s3.S3Client({
          endpoint: this.opts.endpoint,
          region: this.opts.region,
          forcePathStyle: true,
          credentials: { accessKeyId: this.opts.accessKey, secretAccessKey: this.opts.secretKey },
        }),
      }),
      (e) => {
        // A failed load may be retried by the next call.
        this.sdk = undefined;
        throw e;
      },
    );
    return this.sdk;
  }

  async write(key: string, source: Readable) {
    const { client, Upload } = await this.load();
    const upload = new Upload({
      client,
      params: { Bucket: this.bucket, Key: key, Body: source },
    });
    try {
      await upload.done();
    } catch (e) {
      // A refused upload (wrong type, too large) must leave no object behind.
      await upload.abort().catch(() => {});
      await this.remove(key).catch(() => {});
      throw e;
    }
  }

  async read(key: string) {
    const { client, s3 } = await this.load();
    const res = await client.send(new s3.GetObjectCommand({ Bucket: this.bucket, Key: key }));
    return res.Body as Readable;
  }

  async remove(key: string) {
    const { client, s3 } = await this.load();
    await client.send(new s3.DeleteObjectCommand({ Bucket: this.bucket, Key: key }));
  }

  async *list(): AsyncIterable<BlobEntry> {
    let token: string | undefined;
    do {
      const { client, s3 } = await this.load();
      const page = await client.send(
        new s3.ListObjectsV2Command({ Bucket: this.bucket, ContinuationToken: token }),
      );
      for (const o of page.Contents ?? []) {
        if (!o.Key) continue;
        yield { key: o.Key, sizeBytes: o.Size ?? 0, modifiedAt: o.LastModified ?? new Date(0) };
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  }
}

export function blobStoreFromConfig(config: Config): BlobStore {
  if (config.STORAGE === 's3') {
    return new S3BlobStore(
      {
        endpoint: config.S3_ENDPOINT ?? '',
        region: config.S3_REGION,
        accessKey: config.S3_ACCESS_KEY_ID ?? '',
        secretKey: config.S3_SECRET_ACCESS_KEY ?? '',
      },
      config.S3_BUCKET ?? '',
    );
  }
  return new LocalBlobStore(path.join(config.dataDir, 'files'));
}

export interface StoredFile {
  id: string;
  originalName: string;
  mimeType: string;
  sizeBytes: number;
  sha256: string;
}

/** A file whose bytes are stored and whose row may not be written yet (see `FileService.store`). */
export interface StoredBlob extends StoredFile {
  storageKey: string;
}

/**
 * One text for the rows' insert: `record` sends it with its $1 and stages the rows (decision 034);
 * `fileRowsStatement` embeds it in the write that uses the files, so its rows are committed with
 * that write, and a row an earlier request staged leaves the staging area with it.
 */
const rowsInsert = (staged: boolean) =>
  `insert into files (id, storage_key, original_name, mime_type, size_bytes, sha256, staged_at)
  select x.id, x.storage_key, x.original_name, x.mime_type, x.size_bytes, x.sha256, ${staged ? 'now()' : 'null'}
  from jsonb_to_recordset($1::jsonb) as x(id uuid, storage_key text, original_name text, mime_type text,
    size_bytes bigint, sha256 text)
  on conflict (id) do ${staged ? 'nothing' : 'update set staged_at = null where files.staged_at is not null'}`.split(
    '$1',
  ) as [string, string];
const [ROWS_BEFORE, ROWS_AFTER] = rowsInsert(true);
const [COMMITTED_BEFORE, COMMITTED_AFTER] = rowsInsert(false);

function fileRows(files: readonly StoredBlob[]) {
  return JSON.stringify(
    files.map((f) => ({
      id: f.id,
      storage_key: f.storageKey,
      original_name: f.originalName,
      mime_type: f.mimeType,
      size_bytes: f.sizeBytes,
      sha256: f.sha256,
    })),
  );
}

/**
 * The `files` rows of stored blobs, as a statement to embed in a larger one (a data-modifying CTE),
 * so the rows are written, committed, with whatever refers to them. A row already there (staged by
 * the upload's request) leaves the staging area.
 */
export function fileRowsStatement(files: readonly StoredBlob[]): SQL {
  return sql`${sql.raw(COMMITTED_BEFORE)}${fileRows(files)}${sql.raw(COMMITTED_AFTER)}`;
}

export const DOCUMENT_TYPES = ['application/pdf', 'image/jpeg', 'image/png'] as const;

const SNIFF_BYTES = 4100;

interface StoreOptions {
  originalName: string;
  field?: string;
  allowed?: readonly string[];
  maxBytes?: number;
}

class TooLarge extends Error {}
class WrongType extends Error {
  constructor(public readonly detected: string | undefined) {
    super('wrong type');
  }
}

/**
 * Streams an upload to the store while counting, hashing and checking its real type by its first
 * bytes. Stops reading at the size cap; a refused file leaves nothing behind.
 */
class Inspect extends Transform {
  size = 0;
  hash = createHash('sha256');
  mime: string | undefined;
  private head: Buffer[] = [];
  private headLength = 0;
  private decided = false;

  constructor(
    private readonly maxBytes: number,
    private readonly allowed: readonly string[],
  ) {
    super();
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback) {
    this.size += chunk.length;
    if (this.size > this.maxBytes) return done(new TooLarge());
    this.hash.update(chunk);
    if (this.decided) return done(null, chunk);
    this.head.push(chunk);
    this.headLength += chunk.length;
    if (this.headLength < SNIFF_BYTES) return done();
    this.decide().then(() => done(), done);
  }

  override _flush(done: TransformCallback) {
    if (this.decided) return done();
    this.decide().then(() => done(), done);
  }

  private async decide() {
    const head = Buffer.concat(this.head);
    const type = await fileTypeFromBuffer(head);
    if (!type || !this.allowed.includes(type.mime)) throw new WrongType(type?.mime);
    this.mime = type.mime;
    this.decided = true;
    this.head = [];
    this.push(head);
  }
}

function fmtMb(bytes: number) {
  return `${Math.round((bytes / 1024 / 1024) * 10) / 10} MB`;
}

export class FileService {
  constructor(
    /** Where the bytes live; the sweep walks it (`sweepFiles`). */
    readonly blobs: BlobStore,
    private readonly sql: SqlRunner,
    private readonly maxBytes: number,
  ) {}

  /** Store an upload (see `store`) and write its row. */
  async save(source: Readable, opts: StoreOptions): Promise<StoredFile> {
    const blob = await this.store(source, opts);
    await this.record([blob]);
    const { storageKey: _, ...file } = blob;
    return file;
  }

  /**
   * Store an upload's bytes, checked (real type, size) while they stream, without writing its row:
   * the caller writes it with what refers to the file (`fileRowsStatement`), or calls `record`.
   * Until then nothing can find the file.
   */
  async store(source: Readable, opts: StoreOptions): Promise<StoredBlob> {
    const id = randomUUID();
    const key = `${new Date().toISOString().slice(0, 7)}/${id}`;
    const maxBytes = Math.min(opts.maxBytes ?? this.maxBytes, this.maxBytes);
    const inspect = new Inspect(maxBytes, opts.allowed ?? DOCUMENT_TYPES);
    const field = opts.field ?? 'file';
    // pipe() re-emits a destination's error once it is the last listener; the error reaches us
    // through blobs.write, so it must not also become an uncaught exception.
    inspect.on('error', () => {});
    // pipe() does not forward a source's error (an aborted upload): without this the write waits forever.
    source.once('error', (e) => inspect.destroy(e));
    try {
      await this.blobs.write(key, source.pipe(inspect));
    } catch (e) {
      source.resume();
      if (e instanceof TooLarge) {
        throw new Invalid([
          {
            field,
            vi: `Tệp "${opts.originalName}" lớn hơn ${fmtMb(maxBytes)}.`,
            en: `File "${opts.originalName}" is larger than ${fmtMb(maxBytes)}.`,
          },
        ]);
      }
      if (e instanceof WrongType) {
        throw new Invalid([
          {
            field,
            vi: `Tệp "${opts.originalName}" không phải PDF, JPEG hoặc PNG thật (nội dung không khớp).`,
            en: `File "${opts.originalName}" is not a real PDF, JPEG or PNG (its content does not match).`,
          },
        ]);
      }
      throw e;
    }
    return {
      id,
      storageKey: key,
      originalName: opts.originalName.slice(0, 255),
      mimeType: inspect.mime ?? 'application/octet-stream',
      sizeBytes: inspect.size,
      sha256: inspect.hash.digest('hex'),
    };
  }

  /**
   * Write the rows of stored blobs, staged: the sweep deletes them after its grace period unless
   * something refers to them by then (decision 034). One already written is left as it is.
   */
  async record(files: readonly StoredBlob[]) {
    if (files.length === 0) return;
    await this.sql.query(`${ROWS_BEFORE}$1${ROWS_AFTER}`, [fileRows(files)]);
  }

  private references: Promise<string> | undefined;

  /**
   * Remove a refused request's uploads at once rather than wait for the sweep: their staged rows
   * that nothing refers to, and the bytes of every one left without a row. A committed or
   * referenced file is left as it is.
   */
  async discard(files: readonly StoredBlob[]) {
    if (files.length === 0) return;
    this.references ??= referencesOf(this.sql);
    const referenced = await this.references;
    const ids = files.map((f) => f.id);
    await this.sql.query(
      `delete from files where id = any($1::uuid[]) and staged_at is not null and not ${referenced}`,
      [ids],
    );
    const rows = await this.sql.query<{ id: string }>('select id from files where id = any($1::uuid[])', [
      ids,
    ]);
    const kept = new Set(rows.map((r) => r.id));
    for (const f of files) if (!kept.has(f.id)) await this.blobs.remove(f.storageKey);
  }

  async open(id: string): Promise<{ file: StoredFile; stream: Readable } | undefined> {
    const rows = await this.sql.query<{
      storage_key: string;
      original_name: string;
      mime_type: string;
      size_bytes: number;
      sha256: string;
    }>('select * from files where id = $1', [id]);
    const r = rows[0];
    if (!r) return undefined;
    return {
      file: {
        id,
        originalName: r.original_name,
        mimeType: r.mime_type,
        sizeBytes: Number(r.size_bytes),
        sha256: r.sha256,
      },
      stream: await this.blobs.read(r.storage_key),
    };
  }
}
