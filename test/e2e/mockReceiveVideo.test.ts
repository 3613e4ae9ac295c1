import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { MeetingView } from '../../fixtures/mock/types.js';
import { useMockServer } from '../helpers/mockSuite.js';

// Meet's Settings → Video → "Receive resolution (maximum)" → "Audio only" must act like Meet's SFU: the
// participants stop sending video to this client, so its browser receives and decodes none, while audio keeps
// flowing; choosing a video resolution again brings video back. Both ends' WebRTC stats say so.

const { client, newContext } = useMockServer({ browser: true });

/** Long enough for a second's stats report from both ends to land after a change settled. */
const SETTLE_MS = 2500;

type Counters = Pick<MeetingView['participants'][number]['media_to_bot'], 'video_bytes_sent' | 'video_bytes_received' | 'video_frames_decoded' | 'audio_bytes_received'>;

function counters(view: MeetingView): Map<string, Counters> {
  return new Map(view.participants.map((p) => [p.id, { ...p.media_to_bot }]));
}

function growth(before: Map<string, Counters>, after: Map<string, Counters>, key: keyof Counters): number[] {
  return [...after].map(([id, c]) => c[key] - (before.get(id)?.[key] ?? 0));
}

async function chooseReceiveResolution(page: Page, label: string): Promise<void> {
  await page.locator('button[jsname="NakZHc"][aria-label="More options"]').click();
  await page.locator('li[role="menuitem"]:has(span:text-is("Settings"))').click();
  await page.locator('[aria-modal="true"] button[aria-label="Video"]').click();
  await page.locator('role=combobox[name="Receive resolution (maximum)"]').click();
  await page.locator(`li[aria-label="${label}"]:visible`).click();
  await page.locator('[aria-modal="true"] button[aria-label="Close"]').click();
  await page.locator('[aria-modal="true"]').waitFor({ state: 'detached' });
}

describe('Meet mock: receive resolution "Audio only"', () => {
  it('stops the video sent to the client, keeps audio, and restores video on a video resolution', async () => {
    const meeting = await client.createMeeting({
      platform: 'google_meet',
      waiting_room: false,
      ui_variant: { device_modal: 'never', toolbar_autohide_ms: 0 },
      participants: [
        { name: 'Alice', tone_hz: 440 },
        { name: 'Bob', tone_hz: 1000 },
      ],
    });
    const ctx = await newContext({ viewport: { width: 1280, height: 720 } });
    try {
      const page = await ctx.newPage();
      await page.goto(`${meeting.join_url}?hl=en`);
      await page.fill('input[aria-label="Your name"]', 'Audio Only Client');
      await page.locator('button[jsname]:not([aria-label]):has(span[jsname="V67aGc"])').click();
      const flowing = await client.waitFor(
        meeting.id,
        (m) => m.participants.every((p) => p.media_to_bot.video_frames_decoded > 0 && p.media_to_bot.video_bytes_sent > 0),
        30_000,
        'video sent and decoded',
      );
      expect(flowing.bot.receive_resolution).toBe('hd');
      expect(await page.locator('.tile[data-participant-id] video').first().isVisible()).toBe(true);

      // The Video tab has two dropdowns of the same shape; only the receive one offers "Audio only".
      await page.locator('button[jsname="NakZHc"][aria-label="More options"]').click();
      await page.locator('li[role="menuitem"]:has(span:text-is("Settings"))').click();
      await page.locator('[aria-modal="true"] button[aria-label="Video"]').click();
      await page.locator('role=combobox[name="Send resolution (maximum)"]').click();
      expect(await page.locator('li[aria-label="Audio only"]:visible').count()).toBe(0);
      await page.keyboard.press('Escape');
      await page.keyboard.press('Escape');
      await page.locator('[aria-modal="true"]').waitFor({ state: 'detached' });

      await chooseReceiveResolution(page, 'Audio only');
      const switched = await client.waitFor(meeting.id, (m) => m.bot.receive_resolution === 'audio_only', 5000, 'audio only');
      expect(switched.events.some((e) => e.type === 'receive_resolution' && e.detail?.value === 'audio_only')).toBe(true);
      await page.waitForTimeout(SETTLE_MS);
      const stopped = counters(await client.get(meeting.id));
      await page.waitForTimeout(SETTLE_MS);
      const later = await client.get(meeting.id);
      expect(later.participants.map((p) => p.media_to_bot.video_on)).toEqual([false, false]);
      expect(growth(stopped, counters(later), 'video_bytes_sent')).toEqual([0, 0]);
      expect(growth(stopped, counters(later), 'video_bytes_received')).toEqual([0, 0]);
      expect(growth(stopped, counters(later), 'video_frames_decoded')).toEqual([0, 0]);
      for (const g of growth(stopped, counters(later), 'audio_bytes_received')) expect(g).toBeGreaterThan(1000);
      // Tiles show the avatar instead of a frozen frame.
      expect(await page.locator('.tile[data-participant-id] video:visible').count()).toBe(0);
      expect(await page.locator('.tile[data-participant-id] .tile-avatar').first().isVisible()).toBe(true);

      // Someone joining while the client receives audio only sends it audio only, from the first packet.
      const carol = await client.addParticipant(meeting.id, { name: 'Carol', tone_hz: 700 });
      const carolHeard = await client.waitFor(
        meeting.id,
        (m) => (m.participants.find((p) => p.id === carol)?.media_to_bot.audio_bytes_received ?? 0) > 5000,
        30_000,
        'Carol’s audio at the client',
      );
      const carolMedia = carolHeard.participants.find((p) => p.id === carol)!.media_to_bot;
      expect(carolMedia).toMatchObject({ video_on: false, video_bytes_sent: 0, video_bytes_received: 0, video_frames_decoded: 0 });

      await chooseReceiveResolution(page, 'High definition (720p)');
      const restoredFrom = counters(await client.waitFor(meeting.id, (m) => m.bot.receive_resolution === 'hd', 5000, 'hd again'));
      await client.waitFor(
        meeting.id,
        (m) => growth(restoredFrom, counters(m), 'video_frames_decoded').every((g) => g > 10),
        20_000,
        'video decoded again from every participant',
      );
      expect(await page.locator('.tile[data-participant-id] video:visible').count()).toBe(3);
    } finally {
      await ctx.close();
    }
  });
});
