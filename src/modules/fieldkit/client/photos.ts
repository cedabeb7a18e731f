/**
 * Photographed papers are shrunk on the phone before they are queued, as document-scanning apps
 * do: grey; the uneven light of a room divided out (the page divided by a blurred copy of itself,
 * so the paper turns white and the ink stays dark); at most `maxEdge` pixels on the long side;
 * JPEG at the highest quality that fits `maxBytes`, a smaller size tried only when none fits, never
 * below `minEdge`. A page stays legible (the browser test reads it back with OCR).
 */
export interface Shrunk {
  blob: Blob;
  width: number;
  height: number;
}

export interface PhotoLimits {
  maxEdge: number;
  minEdge: number;
  maxBytes: number;
}

export const DOCUMENT_PHOTO: PhotoLimits = { maxEdge: 1600, minEdge: 1000, maxBytes: 80_000 };
/** A signed consent proves a name and a signature, not a page of text: smaller. */
export const CONSENT_PHOTO: PhotoLimits = { maxEdge: 1000, minEdge: 700, maxBytes: 25_000 };

const QUALITIES = [0.7, 0.6, 0.5, 0.42, 0.35];

function toBlob(canvas: HTMLCanvasElement, quality: number): Promise<Blob> {
  return new Promise((resolve, reject) =>
    canvas.toBlob(
      (b) => (b ? resolve(b) : reject(new Error('the photo could not be encoded'))),
      'image/jpeg',
      quality,
    ),
  );
}

function context(canvas: HTMLCanvasElement) {
  const g = canvas.getContext('2d');
  if (!g) throw new Error('no canvas on this phone');
  return g;
}

/** The page at this size, grey, its lighting evened out. */
function scan(bitmap: ImageBitmap, width: number, height: number) {
  const page = document.createElement('canvas');
  page.width = width;
  page.height = height;
  const g = context(page);
  g.filter = 'grayscale(1)';
  g.drawImage(bitmap, 0, 0, width, height);
  // The light: the page blurred well past its letters, inverted; colour-dodging the page with it
  // divides the page by its light (Photoshop's "divide" for scans), and contrast firms the ink.
  const light = document.createElement('canvas');
  light.width = width;
  light.height = height;
  const l = context(light);
  l.filter = `blur(${Math.round(Math.max(width, height) / 60)}px) invert(1)`;
  l.drawImage(page, 0, 0);
  g.filter = 'none';
  g.globalCompositeOperation = 'color-dodge';
  g.drawImage(light, 0, 0);
  const out = document.createElement('canvas');
  out.width = width;
  out.height = height;
  const o = context(out);
  o.filter = 'contrast(1.35)';
  o.drawImage(page, 0, 0);
  return out;
}

export async function shrinkPhoto(file: Blob, limits: PhotoLimits): Promise<Shrunk> {
  const bitmap = await createImageBitmap(file);
  const longest = Math.max(bitmap.width, bitmap.height);
  let edge = Math.min(limits.maxEdge, longest);
  let last: Shrunk | undefined;
  try {
    for (;;) {
      const width = Math.max(1, Math.round((bitmap.width * edge) / longest));
      const height = Math.max(1, Math.round((bitmap.height * edge) / longest));
      const canvas = scan(bitmap, width, height);
      for (const quality of QUALITIES) {
        last = { blob: await toBlob(canvas, quality), width, height };
        if (last.blob.size <= limits.maxBytes) return last;
      }
      if (edge <= limits.minEdge) break;
      edge = Math.max(limits.minEdge, Math.round(edge * 0.85));
    }
    // Still over at the smallest legible size: the lowest quality there.
    if (last && last.blob.size > limits.maxBytes) {
      const canvas = scan(bitmap, last.width, last.height);
      last = { blob: await toBlob(canvas, 0.25), width: last.width, height: last.height };
    }
  } finally {
    bitmap.close();
  }
  if (!last) throw new Error('the photo could not be shrunk');
  return last;
}
