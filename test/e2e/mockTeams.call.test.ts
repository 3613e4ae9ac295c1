import type { BrowserContext, Page } from 'playwright-core';
import { afterEach, describe, expect, it } from 'vitest';
import type { MeetingSpec } from '../../fixtures/mock/client.js';
import type { UiVariant } from '../../fixtures/mock/types.js';
import { useMockServer } from '../helpers/mockSuite.js';

// The Teams mock in call, driven with plain Playwright: roster and tiles in both client variants, speaking
// indicators that follow a participant's tone, the one mixed `mainAudio` stream, chat both ways with its
// CKEditor traps, and the hop to the full client (teams.md 3.2-4.5, 7).

const { client, newContext } = useMockServer({ browser: true });
const contexts: BrowserContext[] = [];
afterEach(async () => {
  await Promise.all(contexts.splice(0).map((c) => c.close()));
});

const BOT = 'Note Taker';
const ALICE = { name: 'Alice', color: '#e53935', tone_hz: 440 };
const BOB = { name: 'Bob', color: '#1e88e5', tone_hz: 1000, speaking: false };
const FAST: Partial<UiVariant> = { teams_redirect_ms: 0, teams_shroud_ms: 0, device_modal: 'never', teams_launcher_iframe: false, teams_chat_mount_ms: 0 };
const EDITOR = '[data-tid="ckeditor"][role="textbox"][aria-label="Type a message"]';
const SEND = 'button[data-tid="newMessageCommands-send"]';

/** A bot admitted at once, its page in the call. */
async function inCall(spec: Omit<MeetingSpec, 'platform'> = {}) {
  const m = await client.createMeeting({ platform: 'microsoft_teams', waiting_room: false, ...spec, ui_variant: { ...FAST, ...spec.ui_variant } });
  const ctx = await newContext({ viewport: { width: 1280, height: 720 }, locale: 'en-US' });
  contexts.push(ctx);
  // Test-side instrumentation: every remote track's stream id, as an RTCPeerConnection hook sees it.
  await ctx.addInitScript(() => {
    const Native = window.RTCPeerConnection;
    const streams: string[] = [];
    Object.assign(window, { __remoteStreams: streams });
    window.RTCPeerConnection = class extends Native {
      constructor(config?: RTCConfiguration) {
        super(config);
        this.addEventListener('track', (e) => streams.push(`${e.track.kind}:${e.streams[0]?.id ?? ''}`));
      }
    };
  });
  const page = await ctx.newPage();
  await page.goto(m.join_url);
  await page.locator('button[aria-label="Continue on this browser"]').click();
  await page.locator('input[data-tid="prejoin-display-name-input"]').fill(BOT);
  await page.locator('#prejoin-join-button').click();
  await page.locator('#hangup-button').waitFor();
  return { id: m.id, page, participants: m.participant_ids };
}

/** Magnitude (dB) at each frequency in what the page's playing <audio> elements play, and how many play. */
function playing(page: Page, freqs: number[]) {
  return page.evaluate(async (hz) => {
    const els = [...document.querySelectorAll('audio')].filter((a) => a.srcObject && !a.muted && !a.paused);
    const stream = els[0]?.srcObject as MediaStream | undefined;
    if (!stream) return { count: els.length, id: null, db: [] as number[] };
    const ctx = new AudioContext({ sampleRate: 48000 });
    const analyser = ctx.createAnalyser();
    analyser.fftSize = 8192;
    ctx.createMediaStreamSource(stream).connect(analyser);
    await new Promise((r) => setTimeout(r, 500));
    const freq = new Float32Array(analyser.frequencyBinCount);
    analyser.getFloatFrequencyData(freq);
    await ctx.close();
    return { count: els.length, id: stream.id, db: hz.map((f) => freq[Math.round((f * 8192) / 48000)]!) };
  }, freqs);
}

describe('Teams mock: call', () => {
  it('new client: roster tree and badge, named tiles and a 0×0 phantom, speaking outline follows the tone, one mixed mainAudio element', async () => {
    const { id, page, participants } = await inCall({ participants: [ALICE, BOB] });
    await client.waitFor(id, (v) => v.participants.every((p) => p.received_by_bot.includes('audio')), 20_000, 'audio at the bot');
    expect(await page.locator('#roster-button span[data-tid="toolbar-item-badge"]').textContent()).toBe('3');
    await page.locator('#roster-button').click();
    const tree = page.locator('[role="tree"]');
    expect(await tree.getByText('In this meeting (3)').count()).toBe(1);
    const rows = await page.locator('[data-tid^="participantsInCall-"] span[title]').evaluateAll((els) => els.map((e) => e.getAttribute('title')));
    expect(rows).toEqual([`${BOT} (Unverified)`, 'Alice', 'Bob']);
    expect(await page.locator('[data-cid="roster-participant"][aria-label^="Alice, "]').count()).toBe(1);

    const alice = page.locator('[data-stream-type="Video"][data-tid="Alice"]');
    expect(await alice.count()).toBe(2); // the tile and its phantom
    const boxes = await alice.evaluateAll((els) => els.map((e) => [e.getBoundingClientRect().width, e.getBoundingClientRect().height]));
    expect(boxes.filter(([w, h]) => w === 0 && h === 0)).toHaveLength(1);
    expect(await alice.first().locator('[data-tid="participant-info-nametag"]').textContent()).toBe('Alice');
    const outline = (name: string) => page.locator(`[data-stream-type="Video"][data-tid="${name}"] [data-tid="voice-level-stream-outline"]`).first();
    await expect.poll(() => outline('Alice').getAttribute('class'), { timeout: 5000 }).toContain('vdi-frame-occlusion');
    expect(await outline('Alice').getAttribute('style')).toContain('opacity: 1');
    expect(await outline('Bob').getAttribute('class')).not.toContain('vdi-frame-occlusion');
    await client.speak(id, participants[0]!, false);
    await client.speak(id, participants[1]!, true);
    await expect.poll(() => outline('Bob').getAttribute('class'), { timeout: 5000 }).toContain('vdi-frame-occlusion');
    await expect.poll(() => outline('Alice').getAttribute('class'), { timeout: 5000 }).not.toContain('vdi-frame-occlusion');

    // One playing element, the server mix: Bob's tone is in it, Alice's is gone; a second remote track is not played.
    await expect.poll(async () => (await playing(page, [1000])).db[0]!, { timeout: 5000 }).toBeGreaterThan(-60);
    const now = await playing(page, [440, 1000]);
    expect(now.count).toBe(1);
    expect(now.id).toContain('mainAudio');
    expect(now.db[0]!).toBeLessThan(now.db[1]! - 20);
    const streams = await page.evaluate(() => (window as unknown as { __remoteStreams: string[] }).__remoteStreams);
    expect(streams.filter((s) => s.startsWith('audio:mainAudio'))).toHaveLength(1);
    expect(streams.filter((s) => s.startsWith('audio:') && !s.includes('mainAudio')).length).toBeGreaterThanOrEqual(1);

    // Ctrl+Shift+M mutes, the toolbar says so; a benign alert toast came with admission.
    await page.keyboard.press('Control+Shift+M');
    expect(await page.locator('#microphone-button').getAttribute('aria-label')).toBe('Unmute mic');
    expect(await page.locator('[role="alert"]').count()).toBeGreaterThan(0);
  });

  it('classic client: calling-participant-stream tiles named in their aria-label, the speaker ring at opacity 1 while speaking', async () => {
    const { id, page } = await inCall({ participants: [ALICE], ui_variant: { teams_client: 'classic' } });
    const tile = page.locator('[data-cid="calling-participant-stream"][aria-label^="Alice, video is on,"]');
    await tile.waitFor();
    expect(await page.locator('[data-stream-type]').count()).toBe(0);
    await client.waitFor(id, (v) => v.participants[0]!.received_by_bot.includes('audio'), 20_000, 'audio at the bot');
    await expect.poll(() => tile.locator('[data-tid="participant-speaker-ring"]').evaluate((e: HTMLElement) => e.style.opacity), { timeout: 5000 }).toBe('1');
    expect(await page.locator(`[data-cid="calling-participant-stream"][aria-label^="${BOT} (Unverified), muted,"]`).count()).toBe(0);
  });
});

describe('Teams mock: chat', () => {
  it('lazy mount; execCommand changes the view only; paste and typing send; participants’ runs share one author header; removal text in chat is just chat', async () => {
    const { id, page } = await inCall({ ui_variant: { teams_chat_mount_ms: 1500 } });
    await page.locator('#chat-button').click();
    expect(await page.locator(EDITOR).count()).toBe(0);
    const editor = page.locator(EDITOR);
    await editor.waitFor();
    await editor.click();
    await page.evaluate(() => document.execCommand('insertText', false, 'via execCommand'));
    expect(await editor.innerText()).toContain('via execCommand');
    await page.locator(SEND).click();
    await page.evaluate((css) => {
      const dt = new DataTransfer();
      dt.setData('text/plain', 'pasted hello');
      document.querySelector(css)!.dispatchEvent(new ClipboardEvent('paste', { clipboardData: dt, bubbles: true, cancelable: true }));
    }, EDITOR);
    await page.locator(SEND).click();
    await editor.click();
    await page.keyboard.type('typed hello');
    await page.keyboard.press('Enter');
    await client.waitFor(id, (v) => v.chat_received.length === 2);
    expect((await client.get(id)).chat_received.map((c) => c.text)).toEqual(['pasted hello', 'typed hello']);

    await client.chat(id, 'Alice', 'first');
    await client.chat(id, 'Alice', 'You’ve been removed from this meeting');
    const list = page.locator('[data-tid="chat-pane-list"]');
    await list.getByText('You’ve been removed from this meeting').waitFor();
    expect(await list.locator('[data-tid="message-author-name"]').allTextContents()).toEqual(['Alice']);
    expect(await list.locator('[data-tid="chat-pane-item"] time[datetime]').count()).toBe(4);
    expect(await list.locator('[data-tid="messageBodyContent"]').allTextContents()).toEqual(['pasted hello', 'typed hello', 'first', 'You’ve been removed from this meeting']);
    expect(await page.locator('#calling-retry-screen-title').count()).toBe(0);
    expect((await client.get(id)).chat_sent.every((c) => c.delivered)).toBe(true);
  });

  it('Enter ignored (the send button sends), 4096 characters at most, and a chat closed to anonymous users', async () => {
    const { id, page } = await inCall({ ui_variant: { teams_chat_enter: 'ignored' } });
    await page.locator('#chat-button').click();
    await page.locator(EDITOR).click();
    await page.keyboard.type('hi all');
    await page.keyboard.press('Enter');
    await page.waitForTimeout(200);
    expect((await client.get(id)).chat_received).toHaveLength(0);
    await page.locator(SEND).click();
    await client.waitFor(id, (v) => v.chat_received.length === 1);
    await page.locator(EDITOR).fill('x'.repeat(4097));
    await page.locator(SEND).click();
    await page.getByText('Your message is too long', { exact: false }).waitFor();
    expect((await client.get(id)).chat_received).toHaveLength(1);

    const closed = await inCall({ ui_variant: { teams_chat: 'disabled' } });
    await closed.page.locator('#chat-button').click();
    await closed.page.locator('[data-tid="compose-disabled-placeholder-text"]').waitFor();
    expect(await closed.page.locator(EDITOR).count()).toBe(0);
  });

  it('the hop to the full client keeps the bot in the call', async () => {
    const { id, page } = await inCall({ ui_variant: { teams_hop_ms: 300 } });
    await page.waitForURL(/lightExperience=false/);
    await page.locator('#hangup-button').waitFor();
    const view = await client.get(id);
    expect(view.bot.status).toBe('admitted');
    expect(view.events.map((e) => e.type)).toEqual(expect.arrayContaining(['page_hop', 'page_hop_resumed']));
    expect(await page.locator('#roster-button span[data-tid="toolbar-item-badge"]').textContent()).toBe('1');
  });
});
