// Types for check-boundaries.mjs (plain JavaScript so it runs with no build step).
export interface Allowance {
  file: string;
  rule: 'sql';
  table: string;
  reason: string;
}
export interface Violation {
  file: string;
  line: number;
  rule: 'module-entry' | 'app-import' | 'foreign-table' | 'stale-allowance' | 'unreadable';
  message: string;
}
export const ALLOWED: Allowance[];
export function checkBoundaries(root: string, opts?: { allowed?: Allowance[] }): Violation[];
export function tableOwners(root: string): Map<string, string>;
export function publishedViews(root: string): Set<string>;
export function literals(src: string): {
  kind: 'string' | 'template';
  text: string;
  line: number;
  before: string;
  tag?: string;
}[] & {
  unclosed?: number;
};
