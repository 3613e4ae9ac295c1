import { median } from './stats.js';

/**
 * A small hand-written SVG: per-bot CPU and per-bot memory against the number of concurrent bots, one panel
 * each, every bot as a dot, the median as a line, the target (and the floor, when given) as dashed lines.
 */

export interface ChartPoint {
  bots: number;
  /** One value per bot at this concurrency. */
  values: number[];
  /** Did every bot keep its frame rate and audio. */
  ok: boolean;
}

export interface Panel {
  title: string;
  unit: string;
  points: ChartPoint[];
  target: number;
  floor?: number;
}

const W = 360;
const H = 260;
const PAD = { left: 52, right: 16, top: 34, bottom: 44 };

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function niceMax(v: number): number {
  const p = 10 ** Math.floor(Math.log10(v));
  return [1, 2, 2.5, 5, 10].map((m) => m * p).find((x) => x >= v) ?? v;
}

function panel(p: Panel, dx: number): string {
  const xs = p.points.map((q) => q.bots);
  const xMax = Math.max(1, ...xs);
  const all = p.points.flatMap((q) => q.values);
  const yMax = niceMax(Math.max(p.target, p.floor ?? 0, ...all) * 1.1);
  const pw = W - PAD.left - PAD.right;
  const ph = H - PAD.top - PAD.bottom;
  const x = (b: number) => dx + PAD.left + (xMax === 1 ? pw / 2 : ((b - 1) / (xMax - 1)) * pw);
  const y = (v: number) => PAD.top + ph - (v / yMax) * ph;
  const out: string[] = [];
  out.push(`<text x="${dx + W / 2}" y="18" text-anchor="middle" font-size="13" font-weight="bold">${esc(p.title)}</text>`);
  for (let i = 0; i <= 4; i++) {
    const v = (yMax * i) / 4;
    out.push(`<line x1="${dx + PAD.left}" x2="${dx + W - PAD.right}" y1="${y(v)}" y2="${y(v)}" stroke="#e3e3e3"/>`);
    out.push(`<text x="${dx + PAD.left - 6}" y="${y(v) + 4}" text-anchor="end" font-size="10">${+v.toFixed(2)}</text>`);
  }
  for (const b of xs) out.push(`<text x="${x(b)}" y="${H - PAD.bottom + 16}" text-anchor="middle" font-size="10">${b}</text>`);
  out.push(`<text x="${dx + PAD.left + pw / 2}" y="${H - 8}" text-anchor="middle" font-size="11">concurrent 720p30 bots</text>`);
  out.push(`<text transform="translate(${dx + 14},${PAD.top + ph / 2}) rotate(-90)" text-anchor="middle" font-size="11">${esc(p.unit)} per bot</text>`);
  const hline = (v: number, colour: string, label: string) => {
    out.push(`<line x1="${dx + PAD.left}" x2="${dx + W - PAD.right}" y1="${y(v)}" y2="${y(v)}" stroke="${colour}" stroke-dasharray="5,4"/>`);
    out.push(`<text x="${dx + W - PAD.right - 2}" y="${y(v) - 4}" text-anchor="end" font-size="10" fill="${colour}">${esc(label)}</text>`);
  };
  hline(p.target, '#c0392b', `target ${p.target}`);
  if (p.floor !== undefined) hline(p.floor, '#7f8c8d', `floor ${+p.floor.toFixed(2)}`);
  const line = p.points.map((q) => `${x(q.bots)},${y(median(q.values))}`).join(' ');
  out.push(`<polyline points="${line}" fill="none" stroke="#2c3e50" stroke-width="2"/>`);
  for (const q of p.points) {
    for (const v of q.values) out.push(`<circle cx="${x(q.bots)}" cy="${y(v)}" r="2.5" fill="#2980b9" fill-opacity="0.6"/>`);
    const m = median(q.values);
    // A hollow marker: some bot at this concurrency lost frames or audio.
    out.push(`<circle cx="${x(q.bots)}" cy="${y(m)}" r="4.5" fill="${q.ok ? '#2c3e50' : '#fff'}" stroke="#2c3e50" stroke-width="1.5"/>`);
  }
  return out.join('\n');
}

export function densityChart(cpu: Panel, memory: Panel, caption: string): string {
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W * 2}" height="${H + 22}" viewBox="0 0 ${W * 2} ${H + 22}" font-family="sans-serif">`,
    `<rect width="100%" height="100%" fill="#fff"/>`,
    panel(cpu, 0),
    panel(memory, W),
    `<text x="${W}" y="${H + 14}" text-anchor="middle" font-size="10" fill="#555">${esc(caption)}</text>`,
    '</svg>',
    '',
  ].join('\n');
}
