/**
 * Small SVG figures drawn from real numbers, so that the lessons' pictures stay true to the code.
 * `npm run sync` writes them to docs/figures/ (see lib/figures/index.ts).
 */

export const CELL = 34;
const FONT = 'font-family="ui-monospace, SFMono-Regular, Menlo, monospace" font-size="13"';

export const COLORS = {
  window: '#e4572e',
  output: '#2e86ab',
  padding: '#eeeeee',
  kernel: '#f3a712',
  text: '#222222',
  muted: '#888888',
};

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** Wide enough for a 15px bold title of monospace characters, and for `content` pixels. */
export const titleWidth = (title: string, content = 0): number => Math.ceil(Math.max(content, 40 + title.length * 9.2));

export const fmt = (n: number): string => (Number.isInteger(n) ? String(n) : Number(n.toFixed(2)).toString());

export interface GridOptions {
  /** Cells drawn as padding (shaded, values in grey). */
  isPadding?: (r: number, c: number) => boolean;
  /** A rectangle to outline: [row, col, rows, cols]. */
  outline?: [number, number, number, number];
  outlineColor?: string;
  /** Cells to fill lightly. */
  fill?: (r: number, c: number) => string | undefined;
  label?: string;
}

/** A matrix as a grid of cells with its values, top-left at (x, y). Returns SVG elements. */
export function grid(m: number[][], x: number, y: number, options: GridOptions = {}): string {
  const parts: string[] = [];
  if (options.label) parts.push(`<text x="${x}" y="${y - 8}" ${FONT} fill="${COLORS.text}" font-weight="bold">${esc(options.label)}</text>`);
  m.forEach((row, r) =>
    row.forEach((value, c) => {
      const pad = options.isPadding?.(r, c) ?? false;
      const fill = options.fill?.(r, c) ?? (pad ? COLORS.padding : '#ffffff');
      const cx = x + c * CELL;
      const cy = y + r * CELL;
      parts.push(`<rect x="${cx}" y="${cy}" width="${CELL}" height="${CELL}" fill="${fill}" stroke="#bbbbbb"/>`);
      parts.push(
        `<text x="${cx + CELL / 2}" y="${cy + CELL / 2 + 4}" text-anchor="middle" ${FONT} fill="${pad ? COLORS.muted : COLORS.text}">${esc(fmt(value))}</text>`,
      );
    }),
  );
  if (options.outline) {
    const [r, c, h, w] = options.outline;
    parts.push(
      `<rect x="${x + c * CELL}" y="${y + r * CELL}" width="${w * CELL}" height="${h * CELL}" fill="none" stroke="${options.outlineColor ?? COLORS.window}" stroke-width="3"/>`,
    );
  }
  return parts.join('\n');
}

export function text(x: number, y: number, s: string, options: { size?: number; color?: string; anchor?: string; bold?: boolean } = {}): string {
  return `<text x="${x}" y="${y}" font-family="ui-monospace, SFMono-Regular, Menlo, monospace" font-size="${options.size ?? 13}" fill="${options.color ?? COLORS.text}"${
    options.anchor ? ` text-anchor="${options.anchor}"` : ''
  }${options.bold ? ' font-weight="bold"' : ''}>${esc(s)}</text>`;
}

/** Wraps elements in an <svg> of the given size, on a white background, with a title for screen readers. */
export function svg(width: number, height: number, title: string, body: string): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img">
<title>${esc(title)}</title>
<rect width="100%" height="100%" fill="#ffffff"/>
${body}
</svg>
`;
}

/** `m` surrounded by `p` rows/columns of zeros. */
export function padded(m: number[][], p: number): number[][] {
  const w = m[0].length + 2 * p;
  return [
    ...Array.from({ length: p }, () => new Array<number>(w).fill(0)),
    ...m.map((row) => [...new Array<number>(p).fill(0), ...row, ...new Array<number>(p).fill(0)]),
    ...Array.from({ length: p }, () => new Array<number>(w).fill(0)),
  ];
}

export interface ConvFigure {
  title: string;
  input: number[][];
  kernel: number[][];
  output: number[][];
  padding?: number;
  stride?: number;
  /** The output cell whose window is shown. */
  at: [number, number];
}

/**
 * The sliding window at one output cell: the (padded) input with the window outlined, the
 * kernel, the output with the cell outlined, and the sum written out with its numbers.
 */
export function convFigure(f: ConvFigure): string {
  const p = f.padding ?? 0;
  const s = f.stride ?? 1;
  const inp = padded(f.input, p);
  const [i, j] = f.at;
  const kh = f.kernel.length;
  const kw = f.kernel[0].length;
  const top = 56;
  const left = 20;
  const kx = left + inp[0].length * CELL + 50;
  const ox = kx + kw * CELL + 50;
  const isPadding = (r: number, c: number) => r < p || c < p || r >= inp.length - p || c >= inp[0].length - p;
  const inWindow = (r: number, c: number) => r >= i * s && r < i * s + kh && c >= j * s && c < j * s + kw;
  const terms: string[] = [];
  for (let u = 0; u < kh; u++) for (let v = 0; v < kw; v++) terms.push(`${fmt(inp[i * s + u][j * s + v])}·${fmt(f.kernel[u][v])}`);
  const sumLine = `output[${i}][${j}] = ${terms.join(' + ')} = ${fmt(f.output[i][j])}`;
  const height = top + Math.max(inp.length, kh, f.output.length) * CELL + 60;
  const width = Math.max(ox + f.output[0].length * CELL + 20, 20 + sumLine.length * 7.9);
  const body = [
    text(left, 24, f.title, { size: 15, bold: true }),
    grid(inp, left, top, {
      label: p > 0 ? `input, padding ${p}` : 'input',
      isPadding,
      outline: [i * s, j * s, kh, kw],
      fill: (r, c) => (inWindow(r, c) ? '#fbe3da' : undefined),
    }),
    text(kx - 28, top + (kh * CELL) / 2 + 5, '×', { size: 20 }),
    grid(f.kernel, kx, top, { label: 'kernel', fill: () => '#fdf0d5', outline: [0, 0, kh, kw], outlineColor: COLORS.kernel }),
    text(ox - 30, top + (kh * CELL) / 2 + 5, '=', { size: 20 }),
    grid(f.output, ox, top, {
      label: s > 1 ? `output, stride ${s}` : 'output',
      outline: [i, j, 1, 1],
      outlineColor: COLORS.output,
      fill: (r, c) => (r === i && c === j ? '#d6eaf3' : undefined),
    }),
    text(left, height - 22, sumLine, { size: 12 }),
  ].join('\n');
  return svg(Math.ceil(width), height, f.title, body);
}
