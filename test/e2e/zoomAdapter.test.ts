import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchTestBrowser } from '../../fixtures/mock/client.js';
import { createAdapter } from '../../src/platform/registry.js';
import { testAdapterContext } from '../helpers/adapterContext.js';
import { useMockServer } from '../helpers/mockSuite.js';

// The Zoom adapter in-process, for a race the bot process cannot be made to lose on demand: Zoom's end modal is a
// `.zm-modal` with OK, like the notices the adapter dismisses between looks at the page. Clicked away, it takes
// the only word of how the meeting ended with it, so the dismissal must read a notice before its OK.

const { client } = useMockServer();
let browser: Browser;

beforeAll(async () => {
  browser = await launchTestBrowser();
});

afterAll(async () => {
  await browser?.close();
});

describe('zoom adapter: in-call notices', () => {
  it('dismisses a recording notice but never the end modal, which the probe then reads', async () => {
    const m = await client.createMeeting({ platform: 'zoom', waiting_room: false, participants: [{ name: 'Alice', tone_hz: 440 }] });
    const page = await (await browser.newContext({ viewport: { width: 1280, height: 720 }, locale: 'en-US' })).newPage();
    const zoom = createAdapter('zoom');
    const ctx = testAdapterContext(page, { platform: 'zoom', joinUrl: m.join_url, id: m.id }, { botName: 'Notice Notetaker' });
    await zoom.join(ctx);
    await client.waitFor(m.id, (v) => v.bot.status === 'admitted', 20_000, 'admission');
    await expect.poll(async () => (await zoom.probe(ctx)).state.phase, { timeout: 10_000 }).toBe('in_call');

    await client.showDialog(m.id, 'recording');
    await page.locator('.zm-modal-body-title', { hasText: 'This meeting is being recorded' }).waitFor({ timeout: 5000 });
    await zoom.maintain(ctx);
    await client.waitFor(m.id, (v) => v.events.some((e) => e.type === 'dialog_dismissed'), 5000, 'the notice dismissed');

    await client.end(m.id);
    await page.locator('[aria-label="Meeting is end now"]').waitFor({ timeout: 10_000 });
    for (let i = 0; i < 3; i++) await zoom.maintain(ctx);
    expect((await client.get(m.id)).events.filter((e) => e.type === 'end_modal_ok')).toEqual([]);
    expect((await zoom.probe(ctx)).state).toMatchObject({ phase: 'ended', outcome: { status: 'call_ended', sub_code: 'call_ended_by_host' } });
  });
});
