import { createHash } from 'node:crypto';
import { fileTypeFromBuffer } from 'file-type';
import sharp from 'sharp';

/**
 * Photos people send from cheap phones: often 4000 px and 5 MB, over 3G. They are checked for
 * what they really are (first bytes, not the name or the browser's word), turned upright, stripped
 * of their metadata (EXIF can hold the sender's GPS position and phone model) and shrunk to a JPEG
 * of at most 1280 px, which is plenty to see a landslide and cheap to load on the public page.
 */
export const PHOTO_MAX_PX = 1280;
export const PHOTO_QUALITY = 78;
export const PHOTOS_PER_REPORT = 5;
/** What phones actually send. SVG, TIFF and the rest are refused before any decoder sees them. */
export const PHOTO_TYPES = ['image/jpeg', 'image/png', 'image/webp'] as const;
/** A decompression bomb stops here (40 megapixels is above any phone camera). */
const MAX_INPUT_PIXELS = 40_000_000;

/** One file as it arrived in a multipart form. */
export interface Upload {
  filename: string;
  data: Buffer;
  /** The file went over the size limit and was cut off. */
  truncated: boolean;
}

export type PhotoProblem = 'size' | 'type' | 'broken' | 'too-many';

export interface PreparedPhoto {
  jpeg: Buffer;
  width: number;
  height: number;
  sourceSha256: string;
}

export function sha256(data: Buffer) {
  return createHash('sha256').update(data).digest('hex');
}

/** Check one upload and turn it into the stored JPEG, or say what is wrong with it. */
export async function preparePhoto(upload: Upload): Promise<PreparedPhoto | PhotoProblem> {
  if (upload.truncated) return 'size';
  const type = await fileTypeFromBuffer(upload.data);
  if (!type || !(PHOTO_TYPES as readonly string[]).includes(type.mime)) return 'type';
  try {
    const { data, info } = await sharp(upload.data, { limitInputPixels: MAX_INPUT_PIXELS, failOn: 'error' })
      .rotate()
      .resize(PHOTO_MAX_PX, PHOTO_MAX_PX, { fit: 'inside', withoutEnlargement: true })
      .jpeg({ quality: PHOTO_QUALITY })
      .toBuffer({ resolveWithObject: true });
    return { jpeg: data, width: info.width, height: info.height, sourceSha256: sha256(upload.data) };
  } catch {
    // A cut-off or corrupt image: libvips cannot decode it.
    return 'broken';
  }
}
