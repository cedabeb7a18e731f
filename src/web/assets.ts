import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const STATIC_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'static');

// The stylesheet's URL carries its hash, so browsers may cache it for a year and still see changes.
const cssHash = createHash('sha256')
  .update(fs.readFileSync(path.join(STATIC_DIR, 'app.css')))
  .digest('hex')
  .slice(0, 10);
export const CSS_HREF = `/static/app.css?v=${cssHash}`;
