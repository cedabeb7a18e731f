import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * Synchronous undo steps run however the bench ends (error, Ctrl-C, SIGTERM), so no server is left
 * holding a port or a data folder after a failed or interrupted run.
 */
const tasks = new Set<() => void>();

process.on('exit', () => {
  // Last registered first: stop a server before removing the folder it writes to.
  for (const task of [...tasks].reverse()) {
    try {
      task();
    } catch {
      // Best effort: one failed undo must not stop the others.
    }
  }
});
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => process.exit(128 + os.constants.signals[signal]));
}

/** Register `task` for exit; call the returned function once it has been done the normal way. */
export function atExit(task: () => void): () => void {
  tasks.add(task);
  return () => tasks.delete(task);
}

/** A fresh folder under the OS temp dir, removed at exit if the measure could not remove it. */
export async function scratchDir(name: string) {
  const dir = await fs.promises.mkdtemp(path.join(os.tmpdir(), `xaso-bench-${name}-`));
  const forget = atExit(() => fs.rmSync(dir, { recursive: true, force: true }));
  return {
    path: dir,
    async remove() {
      await fs.promises.rm(dir, { recursive: true, force: true });
      forget();
    },
  };
}
