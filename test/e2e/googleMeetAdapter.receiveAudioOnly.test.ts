import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAdapter } from '../../src/platform/registry.js';
import { createLogger } from '../../src/util/log.js';
import { launchTestBrowser } from '../../fixtures/mock/client.js';
import { testAdapterContext } from '../helpers/adapterContext.js';
import { useMockServer } from '../helpers/mockSuite.js';

const googleMeetAdapter = createAdapter('google_meet');

// The Meet adapter in-process, for what the bot process cannot be made to meet: a Meet whose Settings have no
// "Audio only" (another UI version). Switching incoming video off is an optimisation, so the adapter must
// warn, close what it opened and carry on: the chat still goes out and the meeting never saw a switch.

const { client } = useMockServer();
let browser: Browser;

beforeAll(async () => {
  browser = await launchTestBrowser();
});

afterAll(async () => {
  await browser?.close();
});

describe('google_meet adapter: receive audio only', () => {
  it('warns and carries on when Settings offer no "Audio only"', async () => {
    const m = await client.createMeeting({ platform: 'google_meet', waiting_room: false, participants: [{ name: 'Alice', tone_hz: 440 }] });
    const page = await (await browser.newContext({ viewport: { width: 1280, height: 720 }, locale: 'en-US' })).newPage();
    // Another UI version: the receive list has video resolutions only.
    await page.addInitScript(() => {
      new MutationObserver(() => document.querySelectorAll('li[aria-label="Audio only"]').forEach((li) => li.remove())).observe(document, {
        childList: true,
        subtree: true,
      });
    });
    const logFile = join(mkdtempSync(join(tmpdir(), 'meet-audio-only-')), 'bot.log');
    const ctx = testAdapterContext(
      page,
      { platform: 'google_meet', joinUrl: `${m.join_url}?hl=en`, id: m.id },
      { botName: 'Fallback Notetaker', log: createLogger({ minLevel: 'info', stderr: false, file: logFile }), needsIncomingVideo: false, stepTimeoutMs: 3000 },
    );

    await googleMeetAdapter.join(ctx);
    await client.waitFor(m.id, (v) => v.bot.status === 'admitted', 20_000, 'admission');
    await googleMeetAdapter.afterAdmitted(ctx);

    const lines = readFileSync(logFile, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines).toContainEqual(expect.objectContaining({ level: 'warn', msg: expect.stringContaining('receive audio only') }));
    expect(lines.filter((l) => l.msg === 'incoming video off: Meet sends this bot audio only')).toEqual([]);
    expect(await page.locator('[aria-modal="true"], [role="menu"]').count()).toBe(0);
    await googleMeetAdapter.sendChat(ctx, 'Still here.');
    const view = await client.waitFor(m.id, (v) => v.chat_received.length > 0, 10_000, 'the chat message');
    expect(view.chat_received.map((c) => c.text)).toEqual(['Still here.']);
    expect(view.bot.receive_resolution).toBe('hd');
    expect(view.events.some((e) => e.type === 'receive_resolution')).toBe(false);
    await page.context().close();
  });
});
