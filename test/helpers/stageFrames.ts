import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { execMedia } from '../../fixtures/media/exec.js';
import { decodeAudio, hannGoertzel } from '../../fixtures/media/audio.js';
import type { RecordingLayout, ScreenshareView } from '../../src/config/botSpec.js';
import { planLayout, type Placement } from '../../src/stage/layoutPlan.js';

/**
 * Frame checks of the recording's picture (src/stage): decoded from the file at a quarter of 1280x720, each
 * tile's colour where the layout puts it, and black everywhere else (no toolbar, panel, dialog or own tile).
 */
const SCALE = 4;
const FW = 1280 / SCALE;
const FH = 720 / SCALE;

export interface Frame {
  data: Buffer;
  width: number;
  height: number;
}

export async function frameAt(file: string, sec: number): Promise<Frame> {
  const { stdout } = await execMedia('ffmpeg', ['-v', 'error', '-ss', String(sec), '-i', file, '-frames:v', '1', '-vf', `scale=${FW}:${FH}`, '-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1']);
  return { data: stdout, width: FW, height: FH };
}

/** Every frame at `fps`, small: for when something changed. */
export async function framesOf(file: string, fps: number): Promise<Frame[]> {
  const { stdout } = await execMedia('ffmpeg', ['-v', 'error', '-i', file, '-vf', `fps=${fps},scale=${FW}:${FH}`, '-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1']);
  const size = FW * FH * 3;
  const frames: Frame[] = [];
  for (let at = 0; at + size <= stdout.length; at += size) frames.push({ data: stdout.subarray(at, at + size), width: FW, height: FH });
  return frames;
}

const rgb = (hex: string) => [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16)) as [number, number, number];
const near = (f: Frame, i: number, [r, g, b]: number[]) => Math.abs(f.data[i]! - r!) + Math.abs(f.data[i + 1]! - g!) + Math.abs(f.data[i + 2]! - b!) < 60;

/** Share of the pixels in the middle of a placement (clear of names and the mock's moving square) near `hex`. */
export function colourIn(f: Frame, p: Placement, hex: string): number {
  const want = rgb(hex);
  const [x0, x1] = [Math.round((p.x + p.w * 0.3) / SCALE), Math.round((p.x + p.w * 0.7) / SCALE)];
  const [y0, y1] = [Math.round((p.y + p.h * 0.35) / SCALE), Math.round((p.y + p.h * 0.6) / SCALE)];
  let hits = 0;
  let all = 0;
  for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++, all++) if (near(f, (y * f.width + x) * 3, want)) hits++;
  return all ? hits / all : 0;
}

/** Share of the pixels outside every placement (a pixel of margin each way) that are not black. */
export function litOutside(f: Frame, placements: Placement[]): number {
  const inTile = (x: number, y: number) =>
    placements.some((p) => x >= p.x / SCALE - 1 && x <= (p.x + p.w) / SCALE + 1 && y >= p.y / SCALE - 1 && y <= (p.y + p.h) / SCALE + 1);
  let lit = 0;
  let all = 0;
  for (let y = 0; y < f.height; y++) {
    for (let x = 0; x < f.width; x++) {
      if (inTile(x, y)) continue;
      all++;
      const i = (y * f.width + x) * 3;
      if (f.data[i]! + f.data[i + 1]! + f.data[i + 2]! > 45) lit++;
    }
  }
  return all ? lit / all : 0;
}

export interface ShownParticipant {
  name: string;
  color: string;
  /** A screen share's tile rather than a person's. */
  share?: boolean;
}

/**
 * The frame at `sec` holds exactly the layout of these participants (page order) with `featured` large: each
 * one's colour where its tile goes, and nothing lit anywhere else.
 */
export async function expectLayoutAt(
  file: string,
  sec: number,
  layout: RecordingLayout,
  people: ShownParticipant[],
  featured: string | null,
  screenshare: ScreenshareView = 'overlap',
): Promise<void> {
  const tiles = people.map((p) => ({ id: p.name, screenshare: p.share === true }));
  const placements = planLayout({ layout, screenshare, width: 1280, height: 720, tiles, featured });
  const f = await frameAt(file, sec);
  for (const p of placements) {
    const person = people.find((x) => x.name === p.id)!;
    expect(colourIn(f, p, person.color), `${person.name}'s colour in their ${layout} tile at ${sec} s`).toBeGreaterThan(0.6);
  }
  expect(litOutside(f, placements), `lit pixels outside the ${layout} tiles at ${sec} s`).toBeLessThan(0.01);
}

/** Every name the bot logged as shown in the recording (bot.log, "recording shows"), sorted. */
export function namesShown(outDir: string): string[] {
  const lines = readFileSync(join(outDir, 'bot.log'), 'utf8').split('\n').filter((l) => l.includes('"recording shows"'));
  const names = lines.flatMap((l) => ((JSON.parse(l) as { tiles?: { name: string }[] }).tiles ?? []).map((t) => t.name));
  return [...new Set(names)].sort();
}

/** The first time (s) from `fromSec` at which the `hz` tone is in the recording's sound, in 100 ms steps. */
export async function toneOnset(file: string, hz: number, fromSec: number, threshold = 0.05): Promise<number> {
  const pcm = await decodeAudio(file);
  const win = pcm.sampleRate / 10;
  for (let at = Math.round(fromSec * pcm.sampleRate); at + win <= pcm.samples.length; at += win) {
    if (hannGoertzel(pcm.samples, pcm.sampleRate, hz, at, at + win) > threshold) return at / pcm.sampleRate;
  }
  return Infinity;
}

/** The first time (s) from `fromSec` at which the placement shows `hex` (three frames running, at `fps`). */
export function colourOnset(frames: Frame[], fps: number, p: Placement, hex: string, fromSec: number): number {
  let run = 0;
  for (let i = Math.floor(fromSec * fps); i < frames.length; i++) {
    run = colourIn(frames[i]!, p, hex) > 0.6 ? run + 1 : 0;
    if (run === 3) return (i - 2) / fps;
  }
  return Infinity;
}
