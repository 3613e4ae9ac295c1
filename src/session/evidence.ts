import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { JoinStepError } from '../platform/adapter.js';
import { WITHOUT_STAGE_CSS } from '../stage/stagePage.js';
import { withTimeout } from '../util/async.js';
import type { Redact } from '../util/redact.js';

/**
 * When a step fails, the output folder keeps what a person needs to see why: a screenshot, the page's HTML
 * and a message naming the step and the selectors tried. Each capture is bounded: a hung page still leaves
 * the message.
 */
export async function saveFailureEvidence(page: Page | null, outDir: string, error: unknown, redact: Redact): Promise<string> {
  const dir = join(outDir, 'failure');
  await mkdir(dir, { recursive: true });
  const lines = [
    error instanceof JoinStepError ? `step: ${error.step}` : `error: ${error instanceof Error ? error.name : 'unknown'}`,
    `message: ${error instanceof Error ? error.message : String(error)}`,
    ...(error instanceof JoinStepError ? [`selectors tried:\n  ${error.selectorsTried.join('\n  ')}`] : []),
    `url: ${page ? safeUrl(page) : '(no page)'}`,
  ];
  await writeFile(join(dir, 'error.txt'), redact(lines.join('\n') + '\n'));
  if (page) {
    // The page itself, not the recording's picture drawn over it.
    const shot = page.screenshot({ path: join(dir, 'screenshot.png'), timeout: 5000, style: WITHOUT_STAGE_CSS });
    await withTimeout(shot, 6000, 'screenshot').catch(() => undefined);
    // The page may carry the passcode (a prefilled field, the link in a script): the copy must not.
    const html = await withTimeout(page.content(), 5000, 'page content').catch(() => null);
    if (html !== null) await writeFile(join(dir, 'page.html'), redact(html));
  }
  return dir;
}

function safeUrl(page: Page): string {
  try {
    const u = new URL(page.url());
    return `${u.origin}${u.pathname}`;
  } catch {
    return '(unreadable)';
  }
}
