import path from 'node:path';
import { ROOT } from './measure.ts';

/** The part of V8's sampling heap profile (`HeapProfiler.getSamplingProfile`) read here. */
interface ProfileNode {
  callFrame: { functionName: string; url: string; lineNumber: number };
  selfSize: number;
  children: ProfileNode[];
}
export interface SamplingProfile {
  head: ProfileNode;
}

export interface Holder {
  holder: string;
  bytes: number;
}

/** Node's module loader and source maps, and tsx: what they keep is the loaded modules' code. */
const LOADING = '(module sources, code and source maps)';

/**
 * Who allocated what is still alive, by the innermost frame that names a package or a file of ours:
 * `node_modules/@aws-sdk/client-s3/…` counts for `@aws-sdk/client-s3`, `src/modules/documents/…` for
 * `src/modules/documents`. What the module loader allocates below such a frame (a module's source,
 * its compiled code, its source map) counts as LOADING; allocations with no frame at all (Node's own
 * start-up) as `(node)`.
 */
export function holderOf(url: string): string | undefined {
  if (/^node:internal\/(modules|source_map)\//.test(url)) return LOADING;
  if (!url || url.startsWith('node:')) return undefined;
  const file = url.startsWith('file://') ? new URL(url).pathname : url;
  const nm = file.lastIndexOf('/node_modules/');
  if (nm >= 0) {
    const parts = file.slice(nm + '/node_modules/'.length).split('/');
    const pkg = parts[0]?.startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0];
    return pkg === 'tsx' || pkg === 'esbuild' ? LOADING : pkg;
  }
  const rel = path.relative(ROOT, file);
  if (rel.startsWith('..')) return undefined;
  const parts = rel.split(path.sep);
  // Modules and platform parts by folder; anything else by file.
  if (parts[0] === 'src' && parts.length > 3) return parts.slice(0, 3).join('/');
  return rel;
}

export function holders(profile: SamplingProfile, top = 15): { total: number; holders: Holder[] } {
  const sums = new Map<string, number>();
  let total = 0;
  const walk = (node: ProfileNode, current: string) => {
    const here = holderOf(node.callFrame.url) ?? current;
    if (node.selfSize) {
      sums.set(here, (sums.get(here) ?? 0) + node.selfSize);
      total += node.selfSize;
    }
    for (const child of node.children) walk(child, here);
  };
  walk(profile.head, '(node)');
  const sorted = [...sums.entries()]
    .sort((a, b) => b[1] - a[1])
    .map(([holder, bytes]) => ({ holder, bytes }));
  return { total, holders: sorted.slice(0, top) };
}
