/**
 * A small SVG line chart: training curves of `npm run train`, the plots of `npm run homework`.
 * Self-contained SVG (no script, no external font), readable on GitHub.
 */
import { COLORS } from './svg';

export interface Series {
  readonly label: string;
  readonly points: readonly (readonly [number, number])[];
  /** Draw a dot on every point (few points, e.g. one per epoch). */
  readonly dots?: boolean;
  readonly dashed?: boolean;
}

export interface ChartOptions {
  readonly title: string;
  readonly xLabel: string;
  readonly yLabel: string;
  readonly series: readonly Series[];
  readonly width?: number;
  readonly height?: number;
  /** Fixed y range; by default the data's, with a margin. */
  readonly yMin?: number;
  readonly yMax?: number;
  /** Logarithmic y axis (losses). */
  readonly logY?: boolean;
  /** How y values are printed on the axis. */
  readonly yFormat?: (v: number) => string;
  readonly xFormat?: (v: number) => string;
}

const PALETTE = ['#2563eb', '#dc2626', '#16a34a', '#9333ea', '#ea580c', '#0891b2', '#4d7c0f', '#be185d'];
const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** "Nice" tick values covering [lo, hi]. */
function ticks(lo: number, hi: number, count = 5): number[] {
  if (!(hi > lo) || !Number.isFinite(lo) || !Number.isFinite(hi)) return Number.isFinite(lo) ? [lo] : [];
  const raw = (hi - lo) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? raw;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) out.push(Number(v.toPrecision(12)));
  return out;
}

/** 1, 2 and 5 times powers of ten within [lo, hi] (lo > 0), for a logarithmic axis. */
function logTicks(lo: number, hi: number): number[] {
  const out: number[] = [];
  if (!(lo > 0) || !Number.isFinite(hi) || !(hi >= lo)) return ticks(Number.isFinite(lo) ? lo : 0, Number.isFinite(hi) ? hi : 1, 3);
  for (let k = Math.floor(Math.log10(lo)); k <= Math.ceil(Math.log10(hi)); k++) {
    for (const m of [1, 2, 5]) {
      const v = Number((m * 10 ** k).toPrecision(6));
      if (v >= lo && v <= hi) out.push(v);
    }
  }
  return out.length >= 2 ? out : ticks(lo, hi, 3);
}

const compact = (v: number): string => {
  const a = Math.abs(v);
  if (a >= 1e6) return `${Number((v / 1e6).toPrecision(3))}M`;
  if (a >= 1e3) return `${Number((v / 1e3).toPrecision(3))}k`;
  return String(Number(v.toPrecision(3)));
};

/** The chart as an SVG document. */
export function lineChart(o: ChartOptions): string {
  const width = o.width ?? 640;
  const height = o.height ?? 360;
  const left = 64;
  const right = 16;
  const top = 40;
  // Legend: as many columns as the longest label allows (about 6.2 px per character at 11 px).
  const colWidth = Math.max(...o.series.map((s) => s.label.length), 1) * 6.2 + 34;
  const cols = Math.max(1, Math.min(3, Math.floor((width - left - right) / colWidth)));
  const legendRows = Math.ceil(o.series.length / cols);
  const bottom = 48 + 18 * legendRows;
  const all = o.series.flatMap((s) => s.points);
  const xs = all.map((p) => p[0]);
  const ys = all.map((p) => p[1]).filter((v) => Number.isFinite(v) && (!o.logY || v > 0));
  const x0 = xs.length ? Math.min(...xs) : 0;
  const x1 = xs.length ? Math.max(...xs) : 1;
  let y0 = o.yMin ?? (ys.length ? Math.min(...ys) : 0);
  let y1 = o.yMax ?? (ys.length ? Math.max(...ys) : 1);
  if (y1 === y0) {
    y0 -= 0.5;
    y1 += 0.5;
  } else if (o.yMin === undefined && o.yMax === undefined && !o.logY) {
    const m = (y1 - y0) * 0.06;
    y0 -= m;
    y1 += m;
  }
  const ty = (v: number) => (o.logY ? Math.log10(v) : v);
  const Y0 = ty(y0);
  const Y1 = ty(y1);
  const px = (x: number) => left + ((x - x0) / (x1 - x0 || 1)) * (width - left - right);
  const py = (y: number) => top + (1 - (ty(y) - Y0) / (Y1 - Y0 || 1)) * (height - top - bottom);
  const fx = o.xFormat ?? compact;
  const fy = o.yFormat ?? compact;
  const parts: string[] = [];
  parts.push(`<text x="${width / 2}" y="22" text-anchor="middle" font-size="15" font-weight="bold" fill="${COLORS.text}">${esc(o.title)}</text>`);
  const yTicks = o.logY ? logTicks(y0, y1) : ticks(y0, y1);
  for (const t of yTicks) {
    const y = py(t);
    if (y < top - 1 || y > height - bottom + 1) continue;
    parts.push(`<line x1="${left}" x2="${width - right}" y1="${y.toFixed(1)}" y2="${y.toFixed(1)}" stroke="#e5e7eb"/>`);
    parts.push(`<text x="${left - 6}" y="${(y + 4).toFixed(1)}" text-anchor="end" font-size="11" fill="${COLORS.text}">${esc(fy(t))}</text>`);
  }
  for (const t of ticks(x0, x1)) {
    const x = px(t);
    parts.push(`<line x1="${x.toFixed(1)}" x2="${x.toFixed(1)}" y1="${height - bottom}" y2="${height - bottom + 4}" stroke="${COLORS.text}"/>`);
    parts.push(`<text x="${x.toFixed(1)}" y="${height - bottom + 16}" text-anchor="middle" font-size="11" fill="${COLORS.text}">${esc(fx(t))}</text>`);
  }
  parts.push(`<rect x="${left}" y="${top}" width="${width - left - right}" height="${height - top - bottom}" fill="none" stroke="${COLORS.text}"/>`);
  parts.push(`<text x="${(left + width - right) / 2}" y="${height - bottom + 32}" text-anchor="middle" font-size="12" fill="${COLORS.text}">${esc(o.xLabel)}</text>`);
  parts.push(`<text transform="translate(14 ${(top + height - bottom) / 2}) rotate(-90)" text-anchor="middle" font-size="12" fill="${COLORS.text}">${esc(o.yLabel)}</text>`);
  o.series.forEach((s, i) => {
    const color = PALETTE[i % PALETTE.length];
    const pts = s.points.filter((p) => Number.isFinite(p[1]) && (!o.logY || p[1] > 0));
    if (pts.length > 1) {
      const d = pts.map((p, j) => `${j ? 'L' : 'M'}${px(p[0]).toFixed(1)} ${py(p[1]).toFixed(1)}`).join('');
      parts.push(`<path d="${d}" fill="none" stroke="${color}" stroke-width="2"${s.dashed ? ' stroke-dasharray="6 4"' : ''}/>`);
    }
    if (s.dots || pts.length === 1) for (const p of pts) parts.push(`<circle cx="${px(p[0]).toFixed(1)}" cy="${py(p[1]).toFixed(1)}" r="3" fill="${color}"/>`);
    const lx = left + (i % cols) * ((width - left - right) / cols);
    const ly = height - bottom + 46 + 18 * Math.floor(i / cols);
    parts.push(`<line x1="${lx}" x2="${lx + 18}" y1="${ly - 4}" y2="${ly - 4}" stroke="${color}" stroke-width="3"${s.dashed ? ' stroke-dasharray="6 4"' : ''}/>`);
    parts.push(`<text x="${lx + 24}" y="${ly}" font-size="11" fill="${COLORS.text}">${esc(s.label)}</text>`);
  });
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" role="img" aria-label="${esc(o.title)}">\n<title>${esc(o.title)}</title>\n<rect width="100%" height="100%" fill="white"/>\n${parts.join('\n')}\n</svg>\n`;
}

/** Two charts side by side in one SVG document. */
export function sideBySide(a: string, b: string, widthA = 640, widthB = 640, height = 360): string {
  const inner = (s: string) => s.replace(/^<svg[^>]*>\n?/, '').replace(/<\/svg>\n?$/, '');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${widthA + widthB}" height="${height}" viewBox="0 0 ${widthA + widthB} ${height}" font-family="sans-serif">\n<g>${inner(a)}</g>\n<g transform="translate(${widthA} 0)">${inner(b)}</g>\n</svg>\n`;
}
