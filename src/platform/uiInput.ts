import type { Locator, Page } from 'playwright-core';
import { withTimeout } from '../util/async.js';
import type { Logger } from '../util/log.js';

/**
 * How the join steps click and type. Two modes:
 * - `cdp`: Playwright's input over CDP. Trusted events (`isTrusted`), but a click is one jump of the pointer
 *   to the target, and text arrives as one insertion.
 * - `os`: XTEST on the bot's own display (src/browser/osInput.ts): a curved pointer path, a press of a person's
 *   length, key events per character. Vexa's join code records that real Meet (2026) refuses CDP-driven
 *   input; Vexa and Attendee both default to it for Meet (Attendee: "about 10 seconds longer to join").
 * An OS action that cannot run (no xdotool, the target covered at the chosen point, text that did not arrive)
 * falls back to CDP for that action, and a failing xdotool switches the rest of the bot's run to CDP.
 */
export type InputMode = 'os' | 'cdp';

export interface UiInput {
  readonly mode: InputMode;
  click(locator: Locator, opts?: { timeoutMs?: number }): Promise<void>;
  /** Replaces a field's text: focus, select all, delete, then the text. */
  fill(locator: Locator, text: string): Promise<void>;
}

/** The bot's display as OS input sees it (implemented by src/browser/osInput.ts, handed in by the session). */
export interface OsDevice {
  click(point: { x: number; y: number }): Promise<boolean>;
  keys(...chords: string[]): Promise<boolean>;
  typeText(text: string): Promise<boolean>;
}

export function cdpInput(page: Page, stepTimeoutMs: number): UiInput {
  return {
    mode: 'cdp',
    click: (locator, opts) => locator.click({ timeout: opts?.timeoutMs ?? stepTimeoutMs }),
    async fill(locator, text) {
      // Focus, select all, then trusted key input: platforms check `isTrusted` and some keep an old value
      // in the field, so script-set values are never used.
      await locator.click({ timeout: stepTimeoutMs });
      await page.keyboard.press('Control+A');
      await page.keyboard.press('Backspace');
      await page.keyboard.insertText(text);
    },
  };
}

export function osUiInput(page: Page, device: OsDevice, opts: { stepTimeoutMs: number; log: Logger }): UiInput {
  const cdp = cdpInput(page, opts.stepTimeoutMs);
  let broken = false;
  const deviceFailed = (what: string) => {
    broken = true;
    opts.log.warn(`OS input failed (${what}); the rest of the run uses CDP input`);
  };

  async function click(locator: Locator, clickOpts?: { timeoutMs?: number }): Promise<void> {
    const timeoutMs = clickOpts?.timeoutMs ?? opts.stepTimeoutMs;
    const point = broken ? null : await withTimeout(screenPoint(locator, timeoutMs), timeoutMs + 1000, 'locate the click target');
    if (!point) {
      if (!broken) opts.log.debug('OS click: the target is covered or off screen at the chosen point; CDP click');
      return cdp.click(locator, clickOpts);
    }
    if (!(await device.click(point))) {
      deviceFailed('click');
      return cdp.click(locator, clickOpts);
    }
  }

  return {
    get mode() {
      return broken ? 'cdp' : 'os';
    },
    click,
    async fill(locator, text) {
      if (broken) return cdp.fill(locator, text);
      await click(locator);
      if (!(await device.keys('ctrl+a', 'BackSpace'))) {
        deviceFailed('keys');
        return cdp.fill(locator, text);
      }
      if (!(await device.typeText(text))) {
        opts.log.warn('OS typing failed for this text; CDP insertion');
        return cdp.fill(locator, text);
      }
      // xdotool maps characters it has no key for on the fly; if one did not arrive, insert the whole text.
      if ((await fieldText(locator, opts.stepTimeoutMs)) !== text) {
        opts.log.debug('OS typing: the field does not hold the text; CDP insertion');
        await cdp.fill(locator, text);
      }
    },
  };
}

/**
 * A point inside the element (its middle half, varied like a hand would) in screen pixels, or null when
 * something else is on top there. The bot's kiosk window sits at 0,0 with no browser chrome, so screen =
 * page coordinates scaled by the device pixel ratio; the offsets are read anyway, for a window that moved.
 */
async function screenPoint(locator: Locator, timeoutMs: number): Promise<{ x: number; y: number } | null> {
  await locator.scrollIntoViewIfNeeded({ timeout: timeoutMs });
  const box = await locator.boundingBox({ timeout: timeoutMs });
  if (!box || box.width < 1 || box.height < 1) return null;
  const fx = 0.3 + Math.random() * 0.4;
  const fy = 0.3 + Math.random() * 0.4;
  const hit = await locator.evaluate(
    (el, f) => {
      const r = el.getBoundingClientRect();
      const root = el.getRootNode() as Document | ShadowRoot;
      const top = root.elementFromPoint(r.left + f.fx * r.width, r.top + f.fy * r.height);
      return top !== null && (top === el || el.contains(top));
    },
    { fx, fy },
    { timeout: timeoutMs },
  );
  if (!hit) return null;
  const view = await locator.page().evaluate(() => ({ x: screenX, y: screenY + outerHeight - innerHeight, dpr: devicePixelRatio }));
  return { x: (view.x + box.x + fx * box.width) * view.dpr, y: (view.y + box.y + fy * box.height) * view.dpr };
}

function fieldText(locator: Locator, timeoutMs: number): Promise<string> {
  return locator.evaluate((el) => ('value' in el ? (el as HTMLInputElement).value : (el.textContent ?? '')), undefined, { timeout: timeoutMs });
}
