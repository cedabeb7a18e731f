import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';

/**
 * The speaker's disk: the adopted schedule, the manifest, its own state, the reports it has not
 * delivered yet, and the audio files by hash. Every write goes to a temporary file then is renamed,
 * so a power cut leaves the old file or the new one, never half of one.
 */
export class DiskCache {
  readonly audioDir: string;

  constructor(readonly dir: string) {
    this.audioDir = path.join(dir, 'audio');
  }

  async init() {
    await fs.mkdir(this.audioDir, { recursive: true });
  }

  private file(name: string) {
    return path.join(this.dir, name);
  }

  async readJson<T>(name: string): Promise<T | undefined> {
    try {
      return JSON.parse(await fs.readFile(this.file(name), 'utf8')) as T;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      // A corrupt file (it should not happen, given the renames) is treated as absent.
      if (e instanceof SyntaxError) return undefined;
      throw e;
    }
  }

  async writeJson(name: string, value: unknown) {
    const target = this.file(name);
    const tmp = `${target}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
    await fs.writeFile(tmp, JSON.stringify(value));
    await fs.rename(tmp, target);
  }

  audioPath(sha256: string) {
    if (!/^[0-9a-f]{64}$/.test(sha256)) throw new Error(`not a sha256: ${sha256}`);
    return path.join(this.audioDir, sha256);
  }

  async hasAudio(sha256: string) {
    try {
      await fs.access(this.audioPath(sha256));
      return true;
    } catch {
      return false;
    }
  }

  /** Keeps the bytes only if they hash to the name they were asked for. */
  async putAudio(sha256: string, data: Buffer) {
    const actual = createHash('sha256').update(data).digest('hex');
    if (actual !== sha256)
      throw new Error(`audio ${sha256.slice(0, 12)} arrived corrupted (${actual.slice(0, 12)})`);
    const target = this.audioPath(sha256);
    const tmp = `${target}.part`;
    await fs.writeFile(tmp, data);
    await fs.rename(tmp, target);
  }

  async listAudio(): Promise<{ sha256: string; bytes: number }[]> {
    const names = (await fs.readdir(this.audioDir)).filter((n) => /^[0-9a-f]{64}$/.test(n));
    return Promise.all(
      names.map(async (n) => ({ sha256: n, bytes: (await fs.stat(path.join(this.audioDir, n))).size })),
    );
  }

  async removeAudio(sha256: string) {
    await fs.rm(this.audioPath(sha256), { force: true });
  }
}
