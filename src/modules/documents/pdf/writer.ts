import fs from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { Color, PDFDocument, PDFFont, PDFPage } from 'pdf-lib';
import { fontkit, pdfLib, qrcode } from '../on-first-use.ts';

/**
 * A small flowing-layout layer on pdf-lib: A4 pages with the margins of Decree 30/2020/NĐ-CP
 * (top and bottom 20 mm, left 30 mm, right 20 mm), Be Vietnam Pro (OFL) embedded as a subset so a
 * one-page slip stays near 20 KB, text that wraps and breaks pages, tables whose header repeats,
 * side-by-side blocks (the national motto, the signatures) and vector QR codes.
 *
 * Everything is drawn from a cursor that moves down the page; the forms in ../forms/ only say
 * what to write, in what order.
 */

const MM = 72 / 25.4;
export const A4 = { width: 595.28, height: 841.89 } as const;
export const MARGIN = { top: 20 * MM, bottom: 20 * MM, left: 30 * MM, right: 20 * MM } as const;
/** The two inks, made once pdf-lib is loaded (see on-first-use.ts). */
let inks: { black: Color; grey: Color } | undefined;
const ink = () => {
  inks ??= { black: pdfLib().rgb(0, 0, 0), grey: pdfLib().rgb(0.35, 0.35, 0.35) };
  return inks;
};

export type FontStyle = 'regular' | 'bold' | 'italic';

// Three faces: each subset costs about 8 KB in the file, even for a few glyphs (hinting tables).
const FONT_FILES: Record<FontStyle, string> = {
  regular: '400Regular/BeVietnamPro_400Regular.ttf',
  bold: '700Bold/BeVietnamPro_700Bold.ttf',
  italic: '400Regular_Italic/BeVietnamPro_400Regular_Italic.ttf',
};

/** Body text size, in points. */
export const BODY = 11;

const fontDir = path.dirname(
  createRequire(import.meta.url).resolve('@expo-google-fonts/be-vietnam-pro/package.json'),
);
const fontBytes = new Map<FontStyle, Promise<Buffer>>();

/** The font files, read once per process. */
function readFont(style: FontStyle): Promise<Buffer> {
  let p = fontBytes.get(style);
  if (!p) {
    p = fs.readFile(path.join(fontDir, FONT_FILES[style]));
    fontBytes.set(style, p);
  }
  return p;
}

/** A piece of text in one style. Lines mix them: "Mã hồ sơ: " in bold, the code in regular. */
export interface Run {
  text: string;
  style?: FontStyle;
}

export type Align = 'left' | 'center' | 'right';

export interface TextOptions {
  size?: number;
  style?: FontStyle;
  align?: Align;
  /** Left indent of every line, in points. */
  indent?: number;
  /** Extra indent of wrapped lines (a hanging indent for numbered items). */
  hanging?: number;
  /** Space after the paragraph, in points. */
  after?: number;
  color?: 'black' | 'grey';
  /** Line height as a multiple of the size. */
  leading?: number;
}

export interface TableColumn {
  header: string;
  /** Share of the available width; the shares are scaled to fill it. */
  width: number;
  align?: Align;
}

interface Token {
  text: string;
  font: PDFFont;
  width: number;
  space: boolean;
}

interface Frame {
  x: number;
  width: number;
}

/** Characters the font cannot draw and PDF text cannot hold (control characters), as spaces. */
function clean(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: removing them is the point
  return text.normalize('NFC').replace(/[\u0000-\u0009\u000b-\u001f\u007f]/g, ' ');
}

export class PdfWriter {
  readonly doc: PDFDocument;
  private fonts: Record<FontStyle, PDFFont>;
  page!: PDFPage;
  /** Distance from the top of the page to the top of the next line. */
  y = MARGIN.top;
  private frame: Frame = { x: MARGIN.left, width: A4.width - MARGIN.left - MARGIN.right };
  private pages: PDFPage[] = [];
  /** Set by columns(): the tallest column's end, and no page breaks inside. */
  private inColumns = false;

  private constructor(doc: PDFDocument, fonts: Record<FontStyle, PDFFont>) {
    this.doc = doc;
    this.fonts = fonts;
    this.newPage();
  }

  static async create(meta: { title: string; subject?: string; at: Date; author?: string }) {
    const doc = await pdfLib().PDFDocument.create();
    doc.registerFontkit(fontkit());
    const entries = await Promise.all(
      (Object.keys(FONT_FILES) as FontStyle[]).map(
        async (style) => [style, await doc.embedFont(await readFont(style), { subset: true })] as const,
      ),
    );
    // pdf-lib stamps "now" by default; the paper's own time keeps a re-rendered slip identical.
    doc.setTitle(meta.title, { showInWindowTitleBar: true });
    if (meta.subject) doc.setSubject(meta.subject);
    doc.setAuthor(meta.author ?? 'Xã Số');
    doc.setCreator('Xã Số');
    doc.setProducer('Xã Số (pdf-lib)');
    doc.setLanguage('vi-VN');
    doc.setCreationDate(meta.at);
    doc.setModificationDate(meta.at);
    return new PdfWriter(doc, Object.fromEntries(entries) as Record<FontStyle, PDFFont>);
  }

  get width() {
    return this.frame.width;
  }

  font(style: FontStyle = 'regular') {
    return this.fonts[style];
  }

  newPage() {
    this.page = this.doc.addPage([A4.width, A4.height]);
    this.pages.push(this.page);
    this.y = MARGIN.top;
  }

  /** Start a new page unless `height` points still fit above the bottom margin. */
  keep(height: number) {
    if (this.inColumns) return;
    if (this.y + height > A4.height - MARGIN.bottom) this.newPage();
  }

  gap(points: number) {
    this.y += points;
  }

  /** The text width of `text` in `style` at `size`. */
  measure(text: string, size: number, style: FontStyle = 'regular') {
    return this.fonts[style].widthOfTextAtSize(clean(text), size);
  }

  private tokens(runs: Run[], size: number): Token[] {
    const out: Token[] = [];
    for (const run of runs) {
      const font = this.fonts[run.style ?? 'regular'];
      for (const piece of clean(run.text).split(/(\n| +)/)) {
        if (piece === '') continue;
        if (piece === '\n') {
          out.push({ text: '\n', font, width: 0, space: false });
          continue;
        }
        const space = piece.trim() === '';
        out.push({
          text: space ? ' ' : piece,
          font,
          width: font.widthOfTextAtSize(space ? ' ' : piece, size),
          space,
        });
      }
    }
    return out;
  }

  /** Break tokens into lines no wider than `width`; a word longer than a line is cut by characters. */
  private wrap(tokens: Token[], width: number, size: number, hanging: number): Token[][] {
    const lines: Token[][] = [];
    let line: Token[] = [];
    let used = 0;
    const limit = () => (lines.length === 0 ? width : width - hanging);
    const flush = () => {
      while (line.length && line[line.length - 1]?.space) line.pop();
      lines.push(line);
      line = [];
      used = 0;
    };
    for (const t of tokens) {
      if (t.text === '\n') {
        flush();
        continue;
      }
      if (t.space) {
        if (line.length === 0) continue;
        line.push(t);
        used += t.width;
        continue;
      }
      if (used + t.width <= limit() || line.length === 0) {
        if (t.width <= limit()) {
          line.push(t);
          used += t.width;
          continue;
        }
        // A single word wider than the line (a long code or address): cut it.
        let rest = t.text;
        while (rest) {
          let n = rest.length;
          while (n > 1 && t.font.widthOfTextAtSize(rest.slice(0, n), size) > limit() - used) n--;
          const part = rest.slice(0, n);
          const w = t.font.widthOfTextAtSize(part, size);
          line.push({ ...t, text: part, width: w });
          used += w;
          rest = rest.slice(n);
          if (rest) flush();
        }
        continue;
      }
      flush();
      line.push(t);
      used = t.width;
    }
    if (line.length || lines.length === 0) flush();
    return lines;
  }

  /**
   * Write a paragraph: plain text or styled runs, wrapped to the frame, breaking pages between
   * lines. Returns the height used.
   */
  text(content: string | Run[], opts: TextOptions = {}): number {
    const size = opts.size ?? BODY;
    const leading = (opts.leading ?? 1.35) * size;
    const runs = typeof content === 'string' ? [{ text: content, style: opts.style ?? 'regular' }] : content;
    const indent = opts.indent ?? 0;
    const hanging = opts.hanging ?? 0;
    const lines = this.wrap(this.tokens(runs, size), this.frame.width - indent, size, hanging);
    const start = this.y;
    for (const [i, line] of lines.entries()) {
      this.keep(leading);
      const lineIndent = indent + (i > 0 ? hanging : 0);
      const lineWidth = line.reduce((s, t) => s + t.width, 0);
      const room = this.frame.width - lineIndent;
      let x = this.frame.x + lineIndent;
      if (opts.align === 'center') x += (room - lineWidth) / 2;
      if (opts.align === 'right') x += room - lineWidth;
      const baseline = A4.height - this.y - size * 1.02;
      // Consecutive tokens in one font become one text object: fewer operators, and text
      // extraction sees whole words with their spaces.
      let i0 = 0;
      while (i0 < line.length) {
        const font = line[i0]?.font as PDFFont;
        let i1 = i0;
        let s = '';
        let w = 0;
        while (i1 < line.length && line[i1]?.font === font) {
          s += line[i1]?.text;
          w += line[i1]?.width ?? 0;
          i1++;
        }
        this.page.drawText(s, {
          x,
          y: baseline,
          size,
          font,
          color: opts.color === 'grey' ? ink().grey : ink().black,
        });
        x += w;
        i0 = i1;
      }
      this.y += leading;
    }
    this.y += opts.after ?? 0;
    return this.y - start;
  }

  /**
   * A horizontal rule of `width` points, centred in the frame (under a heading) or aligned, `dy`
   * points below the cursor. Does not move the cursor.
   */
  rule(width: number, opts: { align?: Align; thickness?: number; dy?: number } = {}) {
    const x0 =
      opts.align === 'left'
        ? this.frame.x
        : opts.align === 'right'
          ? this.frame.x + this.frame.width - width
          : this.frame.x + (this.frame.width - width) / 2;
    const y = A4.height - this.y - (opts.dy ?? 0);
    this.page.drawLine({
      start: { x: x0, y },
      end: { x: x0 + width, y },
      thickness: opts.thickness ?? 0.6,
      color: ink().black,
    });
  }

  /**
   * Blocks side by side, each drawn from the same top into its own share of the width; the cursor
   * ends below the tallest. No page break happens inside: keep() room for them first.
   */
  columns(blocks: { width: number; draw: () => void }[]) {
    const total = blocks.reduce((s, b) => s + b.width, 0);
    const outer = this.frame;
    const top = this.y;
    let x = outer.x;
    let bottom = top;
    this.inColumns = true;
    try {
      for (const b of blocks) {
        const w = (outer.width * b.width) / total;
        this.frame = { x, width: w };
        this.y = top;
        b.draw();
        bottom = Math.max(bottom, this.y);
        x += w;
      }
    } finally {
      this.frame = outer;
      this.inColumns = false;
    }
    this.y = bottom;
  }

  /** Lines wrapped in a cell of `width`, for measuring a table row. */
  private cellLines(text: string, width: number, size: number, style: FontStyle) {
    return this.wrap(this.tokens([{ text, style }], size), width, size, 0);
  }

  /**
   * A ruled table. Cells wrap; a row never splits across pages; the header row repeats at the top
   * of each new page.
   */
  table(columns: TableColumn[], rows: string[][], opts: { size?: number; headerSize?: number } = {}) {
    const size = opts.size ?? 10;
    const headerSize = opts.headerSize ?? size;
    const pad = 3.5;
    const total = columns.reduce((s, c) => s + c.width, 0);
    const widths = columns.map((c) => (this.frame.width * c.width) / total);

    const drawRow = (cells: string[], style: FontStyle, sz: number, align?: Align) => {
      const lines = cells.map((c, i) => this.cellLines(c, (widths[i] ?? 0) - 2 * pad, sz, style));
      const lh = sz * 1.3;
      const height = Math.max(...lines.map((l) => l.length)) * lh + 2 * pad;
      const top = this.y;
      let x = this.frame.x;
      for (const [i, cellLines] of lines.entries()) {
        const w = widths[i] ?? 0;
        const a = align ?? columns[i]?.align ?? 'left';
        for (const [k, line] of cellLines.entries()) {
          const s = line.map((t) => t.text).join('');
          const font = this.fonts[style];
          const tw = font.widthOfTextAtSize(s, sz);
          const tx = a === 'center' ? x + (w - tw) / 2 : a === 'right' ? x + w - pad - tw : x + pad;
          this.page.drawText(s, {
            x: tx,
            y: A4.height - top - pad - k * lh - sz * 1.02,
            size: sz,
            font,
            color: ink().black,
          });
        }
        this.page.drawRectangle({
          x,
          y: A4.height - top - height,
          width: w,
          height,
          borderColor: ink().black,
          borderWidth: 0.5,
        });
        x += w;
      }
      this.y = top + height;
      return height;
    };
    const rowHeight = (cells: string[], style: FontStyle, sz: number) =>
      Math.max(...cells.map((c, i) => this.cellLines(c, (widths[i] ?? 0) - 2 * pad, sz, style).length)) *
        sz *
        1.3 +
      2 * pad;

    const header = columns.map((c) => c.header);
    const headerHeight = rowHeight(header, 'bold', headerSize);
    this.keep(headerHeight + (rows[0] ? rowHeight(rows[0], 'regular', size) : 0));
    drawRow(header, 'bold', headerSize, 'center');
    for (const row of rows) {
      const h = rowHeight(row, 'regular', size);
      if (this.y + h > A4.height - MARGIN.bottom) {
        this.newPage();
        drawRow(header, 'bold', headerSize, 'center');
      }
      drawRow(row, 'regular', size);
    }
  }

  /**
   * A QR code drawn as vector squares (sharp at any print size, a few hundred bytes), with its top
   * left corner at (x, the cursor) in the current frame, `size` points wide. Does not move the cursor.
   */
  qr(content: string, size: number, opts: { x?: number; align?: Align } = {}) {
    const code = qrcode().create(content, { errorCorrectionLevel: 'M' });
    const n = code.modules.size;
    const quiet = 2;
    const cell = size / (n + 2 * quiet);
    const x0 =
      opts.x ??
      (opts.align === 'right'
        ? this.frame.x + this.frame.width - size
        : opts.align === 'center'
          ? this.frame.x + (this.frame.width - size) / 2
          : this.frame.x);
    let d = '';
    for (let r = 0; r < n; r++) {
      let c = 0;
      while (c < n) {
        if (!code.modules.get(r, c)) {
          c++;
          continue;
        }
        let run = 1;
        while (c + run < n && code.modules.get(r, c + run)) run++;
        const px = (quiet + c) * cell;
        const py = (quiet + r) * cell;
        d += `M${px.toFixed(2)} ${py.toFixed(2)}h${(run * cell).toFixed(2)}v${cell.toFixed(2)}h${(-run * cell).toFixed(2)}z`;
        c += run;
      }
    }
    this.page.drawSvgPath(d, { x: x0, y: A4.height - this.y, color: ink().black, borderWidth: 0 });
  }

  /** "Trang 1/2" at the foot of every page, when there is more than one. */
  private numberPages() {
    if (this.pages.length < 2) return;
    const size = 8.5;
    const font = this.fonts.regular;
    for (const [i, page] of this.pages.entries()) {
      const s = `Trang ${i + 1}/${this.pages.length}`;
      page.drawText(s, {
        x: A4.width - MARGIN.right - font.widthOfTextAtSize(s, size),
        y: MARGIN.bottom / 2,
        size,
        font,
        color: ink().grey,
      });
    }
  }

  async save(): Promise<Uint8Array> {
    this.numberPages();
    // Classic cross-reference tables (no object streams): the signer appends to them, and every
    // PDF reader understands them.
    return this.doc.save({ useObjectStreams: false });
  }
}
