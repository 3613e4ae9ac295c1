import { SupervisedProcess } from '../process/supervisor.js';
import type { Logger } from '../util/log.js';

/**
 * OS-level input on one X display through xdotool (XTEST): the events a person's mouse and keyboard make,
 * as the X server delivers them to Chromium. Two uses:
 * - Chromium's native dialogs (the external-protocol prompt Webex's chooser triggers) are browser chrome:
 *   neither CDP nor page input reaches them (LMA).
 * - The join steps of platforms that refuse CDP-driven input: Vexa's join code records that real Meet (2026)
 *   refuses "browser-synthetic input (no real pointer movement)"; Vexa and Attendee default to XTEST for Meet.
 * Each call is one bounded xdotool process; a pointer path is one chained command, not one process per move.
 */

export interface Point {
  x: number;
  y: number;
}

/** Longest any one xdotool command may run (a path plus a click takes well under a second). */
const XDOTOOL_TIMEOUT_MS = 5000;

/**
 * xdotool arguments that move the pointer from `from` to `to` along a gently curved, eased path and click
 * there: 8-25 moves over ~0.2-0.7 s, then a press of ~60-110 ms. `random` (0..1) is injected so the path
 * is a pure function of it. No `--sync`: xdotool waits forever for a move to a position the pointer is at.
 */
export function pointerPathArgs(from: Point, to: Point, random: () => number): string[] {
  const dx = to.x - from.x;
  const dy = to.y - from.y;
  const distance = Math.hypot(dx, dy);
  const steps = Math.round(Math.min(25, Math.max(8, distance / 40)));
  const durationMs = Math.min(700, 200 + distance * 0.5);
  // A control point off the straight line (up to a fifth of the distance, either side) bends the path.
  const bend = (random() - 0.5) * 0.4 * distance;
  const norm = distance || 1;
  const control = { x: from.x + dx / 2 - (dy / norm) * bend, y: from.y + dy / 2 + (dx / norm) * bend };
  const args: string[] = [];
  for (let i = 1; i <= steps; i++) {
    // Ease in and out: slow start, fast middle, slow landing.
    const t = (1 - Math.cos((Math.PI * i) / steps)) / 2;
    const u = 1 - t;
    const x = i === steps ? to.x : u * u * from.x + 2 * u * t * control.x + t * t * to.x;
    const y = i === steps ? to.y : u * u * from.y + 2 * u * t * control.y + t * t * to.y;
    args.push('mousemove', String(Math.round(x)), String(Math.round(y)), 'sleep', seconds(durationMs / steps));
  }
  args.push('mousedown', '1', 'sleep', seconds(60 + random() * 50), 'mouseup', '1');
  return args;
}

/** xdotool arguments that type `text` with a per-key delay, as a person types (~40-60 ms a key). */
export function typeArgs(text: string, random: () => number): string[] {
  return ['type', '--clearmodifiers', '--delay', String(Math.round(40 + random() * 20)), '--', text];
}

function seconds(ms: number): string {
  return (ms / 1000).toFixed(3);
}

/** The bot's display, driven by XTEST. Every method resolves false when xdotool fails (missing, no display). */
export class OsInput {
  /** Xvfb starts the pointer at the centre of the screen; paths start from where the last one ended. */
  private pointer: Point;

  constructor(
    private readonly display: string,
    screen: { width: number; height: number },
    private readonly log: Logger,
    private readonly random: () => number = Math.random,
  ) {
    this.pointer = { x: Math.round(screen.width / 2), y: Math.round(screen.height / 2) };
  }

  async click(to: Point): Promise<boolean> {
    const target = { x: Math.round(to.x), y: Math.round(to.y) };
    const ok = await this.run(pointerPathArgs(this.pointer, target, this.random));
    if (ok) this.pointer = target;
    return ok;
  }

  /** Key chords in turn, e.g. keys('ctrl+a', 'BackSpace'). */
  keys(...chords: string[]): Promise<boolean> {
    return this.run(['key', '--clearmodifiers', ...chords]);
  }

  typeText(text: string): Promise<boolean> {
    return this.run(typeArgs(text, this.random));
  }

  private async run(args: string[]): Promise<boolean> {
    const xdotool = SupervisedProcess.start({
      name: 'xdotool',
      command: 'xdotool',
      args,
      // A UTF-8 locale: under C, `type` refuses any non-ASCII character ("Invalid multi-byte sequence").
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', DISPLAY: this.display, LC_ALL: 'C.UTF-8' },
    });
    const timer = setTimeout(() => void xdotool.stop('xdotool took too long', 'SIGKILL', 0), XDOTOOL_TIMEOUT_MS);
    const exit = await xdotool.exited;
    clearTimeout(timer);
    const ok = exit.kind === 'exited' && exit.code === 0;
    if (!ok) this.log.debug('xdotool failed', { command: args[0], exit });
    return ok;
  }
}
