import type { RecordingLayout, ScreenshareView } from '../config/botSpec.js';
import type { TileSelectors } from '../platform/adapter.js';
import type { FeaturedState } from './featuredSpeaker.js';
import type { PlanInput, Placement } from './layoutPlan.js';

/** The page's handle on its stage (window[STAGE_KEY]). */
export const STAGE_KEY = '__meetbotStage';
/** The stage's element carries this attribute (its contents are in a closed shadow root). */
export const STAGE_ATTRIBUTE = 'data-meetbot-stage';
/** A stylesheet that takes the stage out of a screenshot, for failure evidence of the page itself. */
export const WITHOUT_STAGE_CSS = `[${STAGE_ATTRIBUTE}] { display: none !important; }`;

export interface StageConfig {
  key: string;
  attribute: string;
  layout: RecordingLayout;
  screenshare: ScreenshareView;
  fps: number;
  tiles: TileSelectors;
  /** Names the bot may be shown under, lower case (bot_name, a signed-in account's name, "you"). */
  selfNames: string[];
}

/** What the stage reports at each look (recordingStage.ts). */
export interface StageReport {
  /** Frames drawn since the stage was installed in this document. */
  drawn: number;
  /** Tiles drawn now, the active speaker first. */
  shown: { name: string; video: boolean }[];
  featured: string | null;
  /** Whether any video drawn showed a new frame since the last report (the meeting's picture was moving). */
  moving: boolean;
}

interface StageTile {
  id: string;
  name: string;
  speaking: boolean;
  screenshare: boolean;
  source: HTMLVideoElement | HTMLCanvasElement | null;
  /** The tile's part of a source shared by several tiles, in the source's own pixels. */
  crop: { x: number; y: number; w: number; h: number } | null;
}

/**
 * The recording's picture, drawn inside the meeting page: a canvas in the browser's top layer covers the whole
 * window and shows only the meeting's video tiles, laid out by planLayout, with each name as the platform shows
 * it. Everything else the page shows (toolbar, chat panel, dialogs, notifications, hover overlays, the bot's own
 * tile) stays under it, whatever the bot does in the page meanwhile; the canvas takes no pointer events, so the
 * bot's clicks reach the page as before. A platform dialog opened into the top layer later is put back under.
 *
 * Self-contained: Playwright serialises it into the page, with planLayout and nextFeatured passed in as
 * functions (recordingStage.ts). Idempotent: a second install in the same document does nothing.
 */
export function installStage(
  cfg: StageConfig,
  plan: (input: PlanInput) => Placement[],
  next: (state: FeaturedState, tiles: readonly { id: string; speaking: boolean }[], nowMs: number) => FeaturedState,
): void {
  const w = window as unknown as Record<string, unknown>;
  if (w[cfg.key]) return;
  const READ_MS = 100;
  const host = document.createElement('div');
  host.setAttribute('popover', 'manual');
  host.setAttribute(cfg.attribute, '');
  host.style.cssText =
    'all:initial;position:fixed;inset:0;width:100vw;height:100vh;margin:0;padding:0;border:0;background:#000;pointer-events:none;display:block;overflow:hidden;z-index:2147483647';
  const canvas = document.createElement('canvas');
  canvas.style.cssText = 'display:block;width:100%;height:100%';
  host.attachShadow({ mode: 'closed' }).append(canvas);
  document.documentElement.append(host);
  host.showPopover();
  const g = canvas.getContext('2d', { alpha: false }) as CanvasRenderingContext2D;

  let tiles: StageTile[] = [];
  let featured: FeaturedState = { id: null, sinceMs: 0, speakingSince: {} };
  let hinted = new Set<string>();
  /** The page has shown a speaking indicator on some tile: its own reading is the one to follow. */
  let domSpeaking = false;
  let drawn = 0;
  let moving = false;
  const lastFrames = new WeakMap<HTMLVideoElement, number>();

  const matches = (el: Element, css: string | null) => css !== null && (el.matches(css) || el.querySelector(css) !== null || el.closest(css) !== null);
  const nameOf = (el: Element) => {
    for (const n of cfg.tiles.name) {
      const at = n.css ? el.querySelector(n.css) : el;
      const raw = at ? (n.attr ? at.getAttribute(n.attr) : at.textContent) : null;
      const text = ((n.firstField ? (raw ?? '').split(',')[0] : raw) ?? '').trim();
      if (text) return text;
    }
    return '';
  };
  const playing = (v: HTMLVideoElement) => v.readyState >= 2 && v.videoWidth > 0;
  /**
   * The tile's own video or canvas (the largest), else, for a named tile, a canvas or video behind its centre
   * (one canvas drawn for many tiles).
   */
  const sourceOf = (el: Element, box: DOMRect, named: boolean): Pick<StageTile, 'source' | 'crop'> => {
    let best: HTMLVideoElement | HTMLCanvasElement | null = null;
    let area = 0;
    for (const m of el.querySelectorAll('video, canvas')) {
      const r = m.getBoundingClientRect();
      const ok = m instanceof HTMLVideoElement ? playing(m) : (m as HTMLCanvasElement).width > 0;
      if (ok && r.width * r.height > area) [best, area] = [m as HTMLVideoElement | HTMLCanvasElement, r.width * r.height];
    }
    if (best || !named) return { source: best, crop: null };
    for (const m of document.elementsFromPoint(box.x + box.width / 2, box.y + box.height / 2)) {
      if (!(m instanceof HTMLCanvasElement || (m instanceof HTMLVideoElement && playing(m))) || m === canvas) continue;
      const r = m.getBoundingClientRect();
      const [sw, sh] = m instanceof HTMLVideoElement ? [m.videoWidth, m.videoHeight] : [m.width, m.height];
      const sx = sw / r.width;
      const sy = sh / r.height;
      return { source: m, crop: { x: (box.x - r.x) * sx, y: (box.y - r.y) * sy, w: box.width * sx, h: box.height * sy } };
    }
    return { source: null, crop: null };
  };

  const readTiles = () => {
    const seen = new Set<string>();
    const out: StageTile[] = [];
    for (const el of document.querySelectorAll(cfg.tiles.tile)) {
      if (el.parentElement?.closest(cfg.tiles.tile)) continue; // part of an outer tile
      const box = el.getBoundingClientRect();
      if (box.width < 2 || box.height < 2) continue; // phantom duplicates are laid out at 0×0
      const name = nameOf(el);
      const screenshare = matches(el, cfg.tiles.screenshare);
      // Platforms add badges to a name ("Notetaker (Unverified)", "(Guest)"): the bot's tile is its name and those.
      const bare = name.replace(/(\s*\([^()]*\))+$/, '').toLowerCase();
      if (matches(el, cfg.tiles.self) || cfg.selfNames.includes(bare)) continue;
      const { source, crop } = sourceOf(el, box, name !== '');
      if (!name && !source) continue; // a control that carries a participant id, not a tile
      const id = `${screenshare ? 'share:' : ''}${name || out.length}`;
      if (seen.has(id)) continue;
      seen.add(id);
      const shownSpeaking = matches(el, cfg.tiles.speaking);
      domSpeaking ||= shownSpeaking;
      // The session's reading lags the page by a poll or more: it stands in only where the page has shown no
      // speaking indicator at all (Teams variants whose outline never changes class).
      out.push({ id, name, screenshare, source, crop, speaking: shownSpeaking || (!domSpeaking && (hinted.has(name.toLowerCase()) || hinted.has(bare))) });
    }
    tiles = out;
    // Whether the meeting's video moved, read here and not in the drawing: a compositor that stalls stops the
    // drawing too, and that is the frozen recording this must tell apart from a still meeting.
    for (const t of out) {
      if (!(t.source instanceof HTMLVideoElement)) continue;
      // Frames the element received: a live stream's currentTime runs on even when no frame comes.
      const frames = t.source.getVideoPlaybackQuality().totalVideoFrames;
      if (lastFrames.get(t.source) !== frames) moving = true;
      lastFrames.set(t.source, frames);
    }
    featured = next(featured, tiles.filter((t) => !t.screenshare), performance.now());
  };

  const roundRect = (x: number, y: number, width: number, height: number) => {
    g.beginPath();
    g.roundRect(x, y, width, height, Math.min(12, height / 8));
  };
  const drawTile = (t: StageTile, p: Placement) => {
    g.save();
    roundRect(p.x, p.y, p.w, p.h);
    g.clip();
    g.fillStyle = '#202124';
    g.fillRect(p.x, p.y, p.w, p.h);
    const s = t.source;
    if (s) {
      const crop = t.crop ?? { x: 0, y: 0, w: s instanceof HTMLVideoElement ? s.videoWidth : s.width, h: s instanceof HTMLVideoElement ? s.videoHeight : s.height };
      const scale = Math.min(p.w / crop.w, p.h / crop.h);
      const dw = crop.w * scale;
      const dh = crop.h * scale;
      g.drawImage(s, crop.x, crop.y, crop.w, crop.h, p.x + (p.w - dw) / 2, p.y + (p.h - dh) / 2, dw, dh);
    } else if (t.name) {
      const r = Math.min(p.w, p.h) / 5;
      g.fillStyle = '#5f6368';
      g.beginPath();
      g.arc(p.x + p.w / 2, p.y + p.h / 2, r, 0, Math.PI * 2);
      g.fill();
      g.fillStyle = '#fff';
      g.font = `500 ${Math.round(r)}px sans-serif`;
      g.textAlign = 'center';
      g.textBaseline = 'middle';
      g.fillText(t.name.slice(0, 1).toUpperCase(), p.x + p.w / 2, p.y + p.h / 2);
    }
    if (t.name && !t.screenshare) {
      const size = Math.max(11, Math.min(20, Math.round(p.h / 14)));
      g.font = `500 ${size}px sans-serif`;
      g.textAlign = 'left';
      g.textBaseline = 'middle';
      const label = t.name.length > 40 ? `${t.name.slice(0, 39)}…` : t.name;
      const lw = Math.min(g.measureText(label).width + size, p.w - size);
      g.fillStyle = 'rgba(0,0,0,0.55)';
      roundRect(p.x + size / 2, p.y + p.h - size * 2.2, lw, size * 1.7);
      g.fill();
      g.fillStyle = '#fff';
      g.fillText(label, p.x + size, p.y + p.h - size * 1.35, p.w - size * 2);
    }
    g.restore();
  };

  let lastDraw = 0;
  const frame = (now: number) => {
    requestAnimationFrame(frame);
    if (now - lastDraw < 1000 / cfg.fps - 4) return;
    lastDraw = now;
    const width = Math.round(innerWidth * devicePixelRatio);
    const height = Math.round(innerHeight * devicePixelRatio);
    if (canvas.width !== width || canvas.height !== height) [canvas.width, canvas.height] = [width, height];
    g.fillStyle = '#000';
    g.fillRect(0, 0, width, height);
    const byId = new Map(tiles.map((t) => [t.id, t]));
    for (const p of plan({ layout: cfg.layout, screenshare: cfg.screenshare, width, height, tiles, featured: featured.id })) {
      const t = byId.get(p.id);
      if (t) drawTile(t, p);
    }
    drawn++;
  };

  /** A dialog or popover the platform puts into the top layer after ours would show: ours goes back on top. */
  const keepOnTop = () => {
    const others = document.querySelectorAll(':modal, :popover-open, :fullscreen');
    if ([...others].some((el) => el !== host)) {
      host.hidePopover();
      host.showPopover();
    }
  };

  // Lives as long as the document: a new document (a hop, a reload) gets a new stage from recordingStage.ts.
  setInterval(() => {
    if (!host.isConnected) document.documentElement.append(host);
    if (!host.matches(':popover-open')) host.showPopover();
    keepOnTop();
    readTiles();
  }, READ_MS);
  readTiles();
  requestAnimationFrame(frame);

  w[cfg.key] = {
    /** The session's reading of who speaks (the probe's, e.g. Teams' outline movement), added to the page's own. */
    report(speakingNames: string[]): StageReport {
      hinted = new Set(speakingNames.map((n) => n.toLowerCase()));
      const report: StageReport = {
        drawn,
        shown: plan({ layout: cfg.layout, screenshare: cfg.screenshare, width: canvas.width, height: canvas.height, tiles, featured: featured.id })
          .map((p) => tiles.find((t) => t.id === p.id))
          .filter((t): t is StageTile => t !== undefined)
          .map((t) => ({ name: t.name, video: t.source !== null })),
        featured: tiles.find((t) => t.id === featured.id)?.name ?? null,
        moving,
      };
      moving = false;
      return report;
    },
  };
}
