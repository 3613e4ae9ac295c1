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
  /** Tiles shown now, the active speaker first. */
  shown: { name: string; video: boolean }[];
  featured: string | null;
  /** Whether any video drawn showed a new frame since the last report (the meeting's picture was moving). */
  moving: boolean;
  /**
   * The page plays video but no tile matched the adapter's selectors (a new UI): the stage steps aside and the
   * recording shows the page as the platform draws it, rather than black.
   */
  steppedAside: boolean;
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
 * The recording's picture, inside the meeting page: an element in the browser's top layer covers the whole
 * window and shows only the meeting's video tiles, laid out by planLayout, each with its name as the platform
 * shows it. Everything else the page shows (toolbar, chat panel, dialogs, notifications, hover overlays, the
 * bot's own tile) stays under it, whatever the bot does in the page meanwhile; it takes no pointer events, so
 * the bot's clicks reach the page as before. A platform dialog opened into the top layer later is put back under.
 *
 * Each tile shows its participant's own stream in a video element of the stage (the same MediaStream: nothing is
 * decoded twice, and the browser composites it like the page's). Only a source without a stream (a canvas the
 * platform draws into, one canvas for many tiles) is copied frame by frame into a canvas: drawing videos into a
 * canvas would hold ~500 MB in the renderer (measured, Chromium 156 software compositing).
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
  const root = host.attachShadow({ mode: 'closed' });
  const style = document.createElement('style');
  style.textContent = [
    '.t{position:absolute;overflow:hidden;background:#202124;border-radius:8px}',
    '.t>video,.t>canvas{position:absolute;inset:0;width:100%;height:100%;object-fit:contain}',
    '.a{position:absolute;left:50%;top:50%;transform:translate(-50%,-50%);border-radius:50%;background:#5f6368;color:#fff;display:flex;align-items:center;justify-content:center;font-family:sans-serif;font-weight:500}',
    '.n{position:absolute;left:8px;bottom:8px;max-width:calc(100% - 32px);padding:2px 8px;border-radius:4px;background:rgba(0,0,0,.55);color:#fff;font-family:sans-serif;font-weight:500;white-space:nowrap;overflow:hidden;text-overflow:ellipsis}',
  ].join('');
  root.append(style);
  document.documentElement.append(host);
  host.showPopover();

  let tiles: StageTile[] = [];
  let featured: FeaturedState = { id: null, sinceMs: 0, speakingSince: {} };
  let hinted = new Set<string>();
  /** The page has shown a speaking indicator on some tile: its own reading is the one to follow. */
  let domSpeaking = false;
  let moving = false;
  let steppedAside = false;
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
      if (!(m instanceof HTMLCanvasElement || (m instanceof HTMLVideoElement && playing(m)))) continue;
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
    steppedAside = out.length === 0 && [...document.querySelectorAll('video')].some((v) => v.srcObject instanceof MediaStream && playing(v));
    host.style.visibility = steppedAside ? 'hidden' : 'visible';
    // Whether the meeting's video moved, read from the page's own elements on a timer, not from the picture: a
    // compositor that stalls stops the picture, and that is the frozen recording this tells from a still meeting.
    for (const t of out) {
      if (!(t.source instanceof HTMLVideoElement)) continue;
      // Frames the element received: a live stream's currentTime runs on even when no frame comes.
      const frames = t.source.getVideoPlaybackQuality().totalVideoFrames;
      if (lastFrames.get(t.source) !== frames) moving = true;
      lastFrames.set(t.source, frames);
    }
    featured = next(featured, tiles.filter((t) => !t.screenshare), performance.now());
  };

  /** One tile of the stage: its box, what shows in it (a mirror of the stream, a copy of a canvas, or nothing), its name. */
  interface View {
    box: HTMLDivElement;
    mirror: HTMLVideoElement | null;
    copy: HTMLCanvasElement | null;
    avatar: HTMLDivElement;
    label: HTMLDivElement;
  }
  const views = new Map<string, View>();
  const viewOf = (id: string): View => {
    let v = views.get(id);
    if (!v) {
      const box = document.createElement('div');
      box.className = 't';
      const avatar = document.createElement('div');
      avatar.className = 'a';
      const label = document.createElement('div');
      label.className = 'n';
      box.append(avatar, label);
      root.append(box);
      v = { box, mirror: null, copy: null, avatar, label };
      views.set(id, v);
    }
    return v;
  };
  const streamOf = (s: StageTile['source']) => (s instanceof HTMLVideoElement && s.srcObject instanceof MediaStream ? s.srcObject : null);

  /** The stage's tiles where the layout puts them, in CSS pixels; what leaves the layout leaves the stage. */
  const render = () => {
    const placements = plan({ layout: cfg.layout, screenshare: cfg.screenshare, width: innerWidth, height: innerHeight, tiles, featured: featured.id });
    const byId = new Map(tiles.map((t) => [t.id, t]));
    for (const [id, v] of views) {
      if (placements.some((p) => p.id === id)) continue;
      v.box.remove();
      views.delete(id);
    }
    for (const [i, p] of placements.entries()) {
      const t = byId.get(p.id)!;
      const v = viewOf(p.id);
      // Later placements go over earlier ones (the speaker over a share), whenever each view was made.
      Object.assign(v.box.style, { left: `${p.x}px`, top: `${p.y}px`, width: `${p.w}px`, height: `${p.h}px`, zIndex: String(i) });
      const stream = streamOf(t.source);
      if (stream && v.mirror?.srcObject !== stream) {
        v.copy?.remove();
        v.copy = null;
        v.mirror ??= Object.assign(document.createElement('video'), { muted: true, autoplay: true, playsInline: true });
        v.mirror.srcObject = stream;
        v.box.prepend(v.mirror);
        void v.mirror.play().catch(() => undefined);
      } else if (!stream && t.source && !v.copy) {
        v.mirror?.remove();
        v.mirror = null;
        v.copy = document.createElement('canvas');
        v.box.prepend(v.copy);
      } else if (!t.source && (v.mirror || v.copy)) {
        v.mirror?.remove();
        v.copy?.remove();
        [v.mirror, v.copy] = [null, null];
      }
      const size = Math.min(p.w, p.h) / 2.5;
      Object.assign(v.avatar.style, { display: t.source ? 'none' : 'flex', width: `${size}px`, height: `${size}px`, fontSize: `${size / 2}px` });
      // Written only when changed: this runs ten times a second for every bot, and a text write is a relayout.
      const initial = t.name.slice(0, 1).toUpperCase();
      if (v.avatar.textContent !== initial) v.avatar.textContent = initial;
      if (v.label.textContent !== t.name) v.label.textContent = t.name;
      Object.assign(v.label.style, { display: t.name && !t.screenshare ? 'block' : 'none', fontSize: `${Math.max(11, Math.min(20, Math.round(p.h / 14)))}px` });
    }
  };

  /** A source with no stream (a canvas the platform draws into) is copied each frame, its tile's part only. */
  let lastCopy = 0;
  let copying = false;
  /** Runs only while some tile copies a canvas: an idle animation-frame loop would wake the page every frame. */
  const copyFrames = (now: number) => {
    copying = [...views.values()].some((v) => v.copy !== null);
    if (!copying) return;
    requestAnimationFrame(copyFrames);
    if (now - lastCopy < 1000 / cfg.fps - 4) return;
    lastCopy = now;
    for (const t of tiles) {
      const v = views.get(t.id);
      const s = t.source;
      if (!v?.copy || !s) continue;
      const crop = t.crop ?? { x: 0, y: 0, w: s instanceof HTMLVideoElement ? s.videoWidth : s.width, h: s instanceof HTMLVideoElement ? s.videoHeight : s.height };
      if (crop.w < 1 || crop.h < 1) continue;
      if (v.copy.width !== Math.round(crop.w) || v.copy.height !== Math.round(crop.h)) [v.copy.width, v.copy.height] = [Math.round(crop.w), Math.round(crop.h)];
      v.copy.getContext('2d')?.drawImage(s, crop.x, crop.y, crop.w, crop.h, 0, 0, v.copy.width, v.copy.height);
    }
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
    render();
    if (!copying && [...views.values()].some((v) => v.copy !== null)) {
      copying = true;
      requestAnimationFrame(copyFrames);
    }
  }, READ_MS);
  readTiles();
  render();

  w[cfg.key] = {
    /** The session's reading of who speaks (the probe's, e.g. Teams' outline movement), added to the page's own. */
    report(speakingNames: string[]): StageReport {
      hinted = new Set(speakingNames.map((n) => n.toLowerCase()));
      const report: StageReport = {
        shown: plan({ layout: cfg.layout, screenshare: cfg.screenshare, width: innerWidth, height: innerHeight, tiles, featured: featured.id })
          .map((p) => tiles.find((t) => t.id === p.id))
          .filter((t): t is StageTile => t !== undefined)
          .map((t) => ({ name: t.name, video: t.source !== null })),
        featured: tiles.find((t) => t.id === featured.id)?.name ?? null,
        moving,
        steppedAside,
      };
      moving = false;
      return report;
    },
  };
}
