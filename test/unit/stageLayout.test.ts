import { describe, expect, it } from 'vitest';
import { NO_FEATURED, nextFeatured, type FeaturedState } from '../../src/stage/featuredSpeaker.js';
import { planLayout, type PlanInput, type Placement } from '../../src/stage/layoutPlan.js';

const W = 1280;
const H = 720;
const people = (...ids: string[]) => ids.map((id) => ({ id, screenshare: false }));
const plan = (o: Partial<PlanInput>): Placement[] =>
  planLayout({ layout: 'speaker_view', screenshare: 'overlap', width: W, height: H, tiles: [], featured: null, ...o });
const byId = (ps: Placement[]) => Object.fromEntries(ps.map((p) => [p.id, p]));
const inside = (p: Placement) => p.x >= 0 && p.y >= 0 && p.x + p.w <= W && p.y + p.h <= H;
const overlaps = (a: Placement, b: Placement) => a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;

describe('planLayout', () => {
  it('speaker_view: the featured speaker large on the left, the others in a column on the right, nothing overlapping', () => {
    const ps = plan({ tiles: people('a', 'b', 'c'), featured: 'b' });
    const at = byId(ps);
    expect(ps.map((p) => p.id)).toEqual(['b', 'a', 'c']);
    expect(at.b!.w).toBeGreaterThan(W * 0.75);
    expect(at.a!.x).toBeGreaterThan(at.b!.x + at.b!.w);
    expect(at.a!.w).toBe(at.c!.w);
    for (const p of ps) expect(inside(p)).toBe(true);
    expect(overlaps(at.a!, at.c!)).toBe(false);
  });

  it('speaker_view with one participant, and speaker_view_no_sidebar, fill the frame with the speaker', () => {
    expect(plan({ tiles: people('a'), featured: 'a' })).toEqual([{ id: 'a', x: 0, y: 0, w: W, h: H }]);
    expect(plan({ layout: 'speaker_view_no_sidebar', tiles: people('a', 'b'), featured: 'b' })).toEqual([{ id: 'b', x: 0, y: 0, w: W, h: H }]);
  });

  it('an unknown or absent featured speaker falls back to the first participant; no one, nothing', () => {
    expect(plan({ layout: 'speaker_view_no_sidebar', tiles: people('a', 'b'), featured: 'gone' })[0]!.id).toBe('a');
    expect(plan({ tiles: [] })).toEqual([]);
  });

  it('gallery_view: the grid of largest 16:9 cells, last row centred, everyone once', () => {
    const ps = plan({ layout: 'gallery_view', tiles: people('a', 'b', 'c'), featured: 'c' });
    expect(ps.map((p) => p.id)).toEqual(['a', 'b', 'c']);
    const at = byId(ps);
    expect(at.a!.y).toBe(at.b!.y);
    expect(at.c!.y).toBeGreaterThan(at.a!.y);
    expect(Math.abs(at.c!.x + at.c!.w / 2 - W / 2)).toBeLessThanOrEqual(1);
    for (const p of ps) expect(Math.abs(p.w / p.h - 16 / 9)).toBeLessThan(0.02);
    const nine = plan({ layout: 'gallery_view', tiles: people(...'abcdefghi') });
    expect(new Set(nine.map((p) => p.y)).size).toBe(3);
    for (const p of nine) expect(inside(p)).toBe(true);
  });

  it('a screen share: hide shows it alone, overlap puts the speaker small in the corner, beside keeps a column', () => {
    const tiles = [...people('a', 'b'), { id: 'share', screenshare: true }];
    expect(plan({ tiles, featured: 'b', screenshare: 'hide' })).toEqual([{ id: 'share', x: 0, y: 0, w: W, h: H }]);
    const overlap = byId(plan({ tiles, featured: 'b', screenshare: 'overlap' }));
    expect(Object.keys(overlap)).toEqual(['share', 'b']);
    expect(overlap.b!.w).toBeLessThan(W * 0.25);
    expect(overlap.b!.x + overlap.b!.w).toBeGreaterThan(W * 0.9);
    const beside = plan({ tiles, featured: 'b', screenshare: 'beside' });
    expect(beside.map((p) => p.id)).toEqual(['share', 'b', 'a']);
    expect(beside[0]!.w).toBeGreaterThan(W * 0.75);
    expect(plan({ layout: 'gallery_view', tiles, featured: 'b', screenshare: 'beside' }).map((p) => p.id)).toEqual(['share', 'a', 'b']);
    expect(plan({ tiles: [{ id: 'share', screenshare: true }], screenshare: 'beside' })).toEqual([{ id: 'share', x: 0, y: 0, w: W, h: H }]);
  });
});

describe('nextFeatured', () => {
  const tiles = (speaking: string[], ids = ['a', 'b', 'c']) => ids.map((id) => ({ id, speaking: speaking.includes(id) }));
  const run = (steps: [number, string[]][], start: FeaturedState = NO_FEATURED) =>
    steps.reduce((s, [t, speaking]) => nextFeatured(s, tiles(speaking), t), start);

  it('starts on whoever speaks, else the first participant', () => {
    expect(run([[0, ['b']]]).id).toBe('b');
    expect(run([[0, []]]).id).toBe('a');
  });

  it('follows a new speaker once they spoke 250 ms and the last switch is 1 s old, not at a cough', () => {
    const start = run([[0, ['a']]]);
    expect(start.id).toBe('a');
    const cough = run([[2000, ['b']], [2200, []]], start);
    expect(cough.id).toBe('a');
    const talk = run([[3000, ['b']], [3100, ['b']], [3300, ['b']]], cough);
    expect(talk).toMatchObject({ id: 'b', sinceMs: 3300 });
  });

  it('a talk-over takes 500 ms to switch, a silent speaker 250 ms; the hold keeps a new speaker 1 s', () => {
    const a = run([[0, ['a']]]);
    expect(run([[2000, ['a', 'b']], [2400, ['a', 'b']]], a).id).toBe('a');
    expect(run([[2000, ['a', 'b']], [2500, ['a', 'b']]], a)).toMatchObject({ id: 'b', sinceMs: 2500 });
    expect(run([[2000, ['b']], [2250, ['b']]], a)).toMatchObject({ id: 'b', sinceMs: 2250 });
    const switched = run([[2000, ['b']], [2250, ['b']]], a);
    const held = run([[2300, ['c']], [2600, ['c']], [3200, ['c']]], switched);
    expect(held.id).toBe('b');
    expect(run([[3250, ['c']]], held).id).toBe('c');
  });

  it('people talking all along do not take turns on screen: only a voice begun after the switch takes over', () => {
    const all = run([[0, ['a', 'b', 'c']], [300, ['a', 'b', 'c']]]);
    expect(all.id).toBe('a');
    expect(run([[2000, ['a', 'b', 'c']], [5000, ['a', 'b', 'c']], [9000, ['a', 'b', 'c']]], all).id).toBe('a');
  });

  it('replaces a shown participant who left at once', () => {
    const s = run([[0, ['a']]]);
    expect(nextFeatured(s, tiles([], ['b', 'c']), 100).id).toBe('b');
  });
});
