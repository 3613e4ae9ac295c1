import type { RecordingLayout, ScreenshareView } from '../config/botSpec.js';

/** One participant's tile (or a screen share) as the layout sees it: the bot's own tile is never among them. */
export interface PlanTile {
  id: string;
  screenshare: boolean;
}

export interface PlanInput {
  layout: RecordingLayout;
  screenshare: ScreenshareView;
  width: number;
  height: number;
  /** The meeting's tiles in the page's order. */
  tiles: PlanTile[];
  /** The active speaker shown large (featuredSpeaker.ts); null: the first participant. */
  featured: string | null;
}

export interface Placement {
  id: string;
  x: number;
  y: number;
  w: number;
  h: number;
}

/**
 * Where each tile goes in the recorded frame: a pure function of the tiles, the active speaker and the layout.
 * It also runs inside the page (stagePage.ts injects its source), so it is self-contained: no imports at run
 * time, no module-level names, plain arithmetic.
 *
 * - speaker_view: the active speaker in the main area, the others in a column on the right (Meet's Sidebar);
 *   speaker_view_no_sidebar: the active speaker alone; gallery_view: everyone in the grid that gives the
 *   largest 16:9 tiles.
 * - A screen share (the first one) changes the frame by `screenshare`: `hide` shows the share alone, `overlap`
 *   puts the active speaker small in the bottom-right corner over it, `beside` keeps a column on the right
 *   for the participants (the active speaker first; everyone in gallery_view).
 */
export function planLayout(input: PlanInput): Placement[] {
  const GAP = 8;
  const SIDE_SHARE = 0.2;
  const CORNER_SHARE = 0.22;
  const SIDE_MAX = 4;
  const ASPECT = 16 / 9;
  interface Box { x: number; y: number; w: number; h: number }
  const place = (id: string, b: Box): Placement => ({ id, x: Math.round(b.x), y: Math.round(b.y), w: Math.round(b.w), h: Math.round(b.h) });

  /** The grid with the largest 16:9 cells for n tiles in a box; the last row centred. */
  const grid = (ids: string[], box: Box): Placement[] => {
    const n = ids.length;
    if (n === 0) return [];
    let best = { cols: 1, w: 0 };
    for (let cols = 1; cols <= n; cols++) {
      const rows = Math.ceil(n / cols);
      const w = Math.min((box.w - GAP * (cols - 1)) / cols, ((box.h - GAP * (rows - 1)) / rows) * ASPECT);
      if (w > best.w) best = { cols, w };
    }
    const { cols, w } = best;
    const h = w / ASPECT;
    const rows = Math.ceil(n / cols);
    const top = box.y + (box.h - (rows * h + (rows - 1) * GAP)) / 2;
    return ids.map((id, i) => {
      const row = Math.floor(i / cols);
      const inRow = row === rows - 1 ? n - row * cols : cols;
      const left = box.x + (box.w - (inRow * w + (inRow - 1) * GAP)) / 2;
      return place(id, { x: left + (i % cols) * (w + GAP), y: top + row * (h + GAP), w, h });
    });
  };

  /** A column of 16:9 cells down the right-hand side of a box, vertically centred. */
  const column = (ids: string[], box: Box): Placement[] => {
    const shown = ids.slice(0, SIDE_MAX);
    const h = Math.min(box.w / ASPECT, (box.h - GAP * (SIDE_MAX - 1)) / SIDE_MAX);
    const w = h * ASPECT;
    const top = box.y + (box.h - (shown.length * h + (shown.length - 1) * GAP)) / 2;
    return shown.map((id, i) => place(id, { x: box.x + (box.w - w) / 2, y: top + i * (h + GAP), w, h }));
  };

  const frame: Box = { x: 0, y: 0, w: input.width, h: input.height };
  const people = input.tiles.filter((t) => !t.screenshare).map((t) => t.id);
  const featured = input.featured !== null && people.includes(input.featured) ? input.featured : (people[0] ?? null);
  const others = people.filter((id) => id !== featured);
  const speakerFirst = featured === null ? [] : [featured, ...others];
  const share = input.tiles.find((t) => t.screenshare) ?? null;

  if (share) {
    if (input.screenshare === 'hide' || people.length === 0) return [place(share.id, frame)];
    if (input.screenshare === 'overlap') {
      const w = input.width * CORNER_SHARE;
      const h = w / ASPECT;
      const corner = featured === null ? [] : [place(featured, { x: input.width - w - GAP * 2, y: input.height - h - GAP * 2, w, h })];
      return [place(share.id, frame), ...corner];
    }
    const sideW = input.width * SIDE_SHARE;
    const main = place(share.id, { x: 0, y: 0, w: input.width - sideW - GAP, h: input.height });
    const side = input.layout === 'gallery_view' ? people : speakerFirst;
    return [main, ...column(side, { x: input.width - sideW, y: 0, w: sideW, h: input.height })];
  }
  if (input.layout === 'gallery_view') return grid(people, frame);
  if (featured === null) return [];
  if (input.layout === 'speaker_view_no_sidebar' || others.length === 0) return [place(featured, frame)];
  const sideW = input.width * SIDE_SHARE;
  return [
    place(featured, { x: 0, y: 0, w: input.width - sideW - GAP, h: input.height }),
    ...column(others, { x: input.width - sideW, y: 0, w: sideW, h: input.height }),
  ];
}
