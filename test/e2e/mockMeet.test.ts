import type { BrowserContext, Page } from 'playwright-core';
import { afterEach, describe, expect, it } from 'vitest';
import type { MeetingSpec, MeetingView } from '../../fixtures/mock/client.js';
import { useMockServer } from '../helpers/mockSuite.js';

// Drives the Google Meet mock with plain Playwright (no adapter), screen by screen, against platforms.md 1.

const { client, newContext } = useMockServer({ browser: true });
const contexts: BrowserContext[] = [];

afterEach(async () => {
  await Promise.all(contexts.splice(0).map((c) => c.close()));
});

const BOT = 'Note Taker';
const CTA = 'button[jsname]:not([aria-label]):has(span[jsname="V67aGc"])';
const NAME = 'div[jscontroller] > input[jsname][type="text"][aria-label="Your name"]';

async function newPage(permissions: string[] = []): Promise<Page> {
  const ctx = await newContext({ viewport: { width: 1280, height: 720 }, locale: 'en-US', permissions });
  contexts.push(ctx);
  return ctx.newPage();
}

async function open(spec: Omit<MeetingSpec, 'platform'> = {}, permissions: string[] = []): Promise<{ id: string; page: Page }> {
  const meeting = await client.createMeeting({ platform: 'google_meet', ...spec });
  const page = await newPage(permissions);
  const res = await page.goto(`${meeting.join_url}?hl=en`);
  expect(res?.status()).toBe(200);
  return { id: meeting.id, page };
}

/** Passes the device modal, types the name and clicks the CTA, the way a user does. */
async function knock(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Continue without microphone and camera' }).click();
  await page.fill(NAME, BOT);
  await page.locator(CTA).click();
}

async function inCall(spec: Omit<MeetingSpec, 'platform'> = {}): Promise<{ id: string; page: Page }> {
  const { id, page } = await open({ waiting_room: false, ...spec });
  await knock(page);
  await client.waitFor(id, (m) => m.bot.status === 'admitted', 10_000, 'admitted');
  await page.locator('button[aria-label="Turn on captions"]').waitFor({ state: 'attached' });
  return { id, page };
}

async function eventTypes(id: string): Promise<string[]> {
  return eventTypesOf(await client.get(id));
}

function eventTypesOf(view: MeetingView): string[] {
  return view.events.map((e) => e.type);
}

describe('Google Meet mock', () => {
  it('answers an unknown or dead code with the 217 "Check your meeting code" screen and no input', async () => {
    const dead = await client.createMeeting({ platform: 'google_meet', not_found: true });
    for (const url of [`${client.url}/xyz-abcd-efg?hl=en`, `${dead.join_url}?hl=en`]) {
      const page = await newPage();
      expect((await page.goto(url))?.status()).toBe(200);
      const screen = page.locator('div[data-startup-code="217"]');
      await expect(screen.locator('h1[jsname="r4nke"]').textContent()).resolves.toBe('Check your meeting code');
      await expect(screen.textContent()).resolves.toContain(
        'Make sure you entered the correct meeting code in the URL, for example: https://meet.google.com/xxx-yyyy-zzz',
      );
      expect(await page.getByRole('button', { name: 'Return to home screen' }).count()).toBe(1);
      expect(await page.getByRole('button', { name: 'Submit feedback' }).count()).toBe(1);
      expect(await page.locator('input, textarea, [contenteditable]').count()).toBe(0);
      // The structural CTA selector's first hit here is "Return to home screen" (the hazard in 1.3).
      expect(await page.locator(CTA).first().textContent()).toBe('Return to home screen');
      expect(await page.title()).toBe('Meet');
    }
    expect((await client.get(dead.id)).bot.status).toBe('not_found');
  });

  it('shows the device modal and the pre-join form in Meet’s shape; trusted-input gates refuse untrusted clicks and script-set names', async () => {
    const { id, page } = await open({ ui_variant: { input_gates: { name: 'trusted', join_button: 'trusted' } } });
    const modal = page.locator('div[role="dialog"][aria-modal="true"]');
    await expect(modal.textContent()).resolves.toContain('Continue without microphone and camera');
    await modal.locator('button[aria-label="Use microphone and camera"]').click();
    await modal.waitFor({ state: 'detached' });

    expect(await page.locator('input[type="text"]').count()).toBe(1);
    expect(await page.locator(NAME).count()).toBe(1);
    const mic = page.locator('div[jscontroller] [role="button"][jsname][aria-label="Turn off microphone"]');
    await expect(mic.textContent()).resolves.toBe('mic');
    await mic.click();
    await expect(page.locator('[aria-label="Turn on microphone"]').textContent()).resolves.toBe('mic_off');
    await page.locator('[aria-label*="Turn off camera"]').click();
    await page.locator('[aria-label="Turn on camera"]').waitFor();
    expect(await page.locator('button[jsname="NakZHc"][aria-label="More options"]').count()).toBe(1);

    const cta = page.locator(CTA).first();
    await expect(cta.locator('span[jsname="V67aGc"]').textContent()).resolves.toBe('Ask to join');
    expect(await cta.isDisabled()).toBe(true);

    // A name set by script never enables the CTA.
    await page.locator(NAME).evaluate((el: HTMLInputElement) => {
      el.value = 'Script Bot';
      el.dispatchEvent(new Event('input', { bubbles: true }));
    });
    expect(await cta.isDisabled()).toBe(true);

    // Typed, then replaced by script: the click is refused.
    await page.fill(NAME, BOT);
    expect(await cta.isDisabled()).toBe(false);
    await page.locator(NAME).evaluate((el: HTMLInputElement) => {
      el.value = 'Script Bot';
      el.dispatchEvent(new Event('input', { bubbles: true }));
    });
    await cta.click();
    // execCommand produces a trusted input event but no trusted beforeinput: refused as well.
    await page.locator(NAME).evaluate((el: HTMLInputElement) => {
      el.select();
      document.execCommand('insertText', false, 'Exec Bot');
    });
    await cta.click();

    // Untrusted clicks on a correctly typed name are ignored.
    await page.fill(NAME, BOT);
    await cta.evaluate((b: HTMLButtonElement) => b.click());
    await cta.dispatchEvent('click');
    await page.waitForTimeout(300);
    let view = await client.get(id);
    expect(view.bot.status).toBe('prejoin');
    expect(view.joined_names).toEqual([]);
    const rejected = view.events.filter((e) => e.type === 'name_rejected').map((e) => e.detail?.value);
    expect(rejected).toEqual(['Script Bot', 'Exec Bot']);
    expect(view.events.filter((e) => e.type === 'untrusted_input').length).toBe(2);

    await cta.click();
    view = await client.waitFor(id, (m) => m.bot.status === 'knocking', 5000, 'knocking');
    expect(view.joined_names).toEqual([BOT]);

    // The lobby: waiting texts, and the in-call-looking controls of the false-admission trap.
    await page.getByText('Asking to be let in…').waitFor();
    expect(await page.getByText('You’ll join the call when someone lets you in').count()).toBe(1);
    expect(await page.getByRole('button', { name: 'Return to home screen' }).count()).toBe(1);
    for (const trap of [
      'button[jsname="CQylAd"][aria-label="Leave call"]',
      '[role="toolbar"]',
      'div[role="region"][aria-label="Call controls"]',
      'button[aria-label="Turn on microphone"]',
      'button[aria-label="Turn on camera"]',
    ]) {
      expect(await page.locator(trap).count(), trap).toBeGreaterThan(0);
    }
    for (const admitted of [
      'button[aria-label="Turn on captions"]',
      'button[aria-label="Chat with everyone"]',
      'button[aria-label^="People"]',
      '[data-participant-id]:not(.effects-phantom)',
      '[data-self-name]',
      'button[aria-label*="Share screen"]',
    ]) {
      expect(await page.locator(admitted).count(), admitted).toBe(0);
    }
    // The effects control carries a participant id of its own in the lobby too (Vexa, verified 2026-06-12).
    expect(await page.locator('[data-participant-id][aria-label="Backgrounds and Effects"]').count()).toBe(1);
    expect(await page.locator('audio').count()).toBeGreaterThan(0);
  });

  it('admits into the call view: tiles, People panel, consent dialog, auto-hiding controls', async () => {
    const { id, page } = await open({
      participants: [{ name: 'Alice' }, { name: 'Bob' }],
      ui_variant: { in_call_dialog: 'recording', toolbar_autohide_ms: 1500 },
    });
    await knock(page);
    await client.waitFor(id, (m) => m.bot.status === 'knocking', 5000, 'knocking');
    await client.admit(id);

    const dialog = page.locator('div[aria-modal="true"][role="dialog"]');
    await expect(dialog.textContent()).resolves.toContain('This video call is being recorded');
    await dialog.locator('button[data-mdc-dialog-action="ok"]').click();
    await dialog.waitFor({ state: 'detached' });
    expect(await eventTypes(id)).toContain('dialog_dismissed');

    expect(await page.locator('button[aria-label="Turn on captions"]').count()).toBe(1);
    expect(await page.locator('button[aria-label="People - 3 joined"]').count()).toBe(1);
    expect(await page.locator('[data-avatar-count="3"]').count()).toBe(1);
    expect(await page.locator(`[data-self-name="${BOT}"]`).count()).toBe(1);
    const ids = await page.locator('[data-participant-id]').evaluateAll((els) => els.map((e) => e.getAttribute('data-participant-id')));
    // Alice, Bob, the bot, and the effects control's own id.
    expect(new Set(ids).size).toBe(4);
    expect(await page.locator('[data-participant-id][aria-label="Backgrounds and Effects"]').count()).toBe(1);
    expect(await page.locator('[data-participant-id][aria-label="Backgrounds and effects"]').count()).toBe(1);
    const names = await page.locator('[data-participant-id]:not([data-self-name]) span.notranslate').allTextContents();
    expect(names.sort()).toEqual(['Alice', 'Bob']);
    expect(await page.title()).toBe(`Meet - ${id}`);

    // The controls hide without pointer movement; the DOM stays.
    const leave = page.locator('button[jsname="CQylAd"][aria-label="Leave call"]');
    await expect.poll(() => leave.isVisible(), { timeout: 5000 }).toBe(false);
    expect(await leave.count()).toBe(1);
    await page.mouse.move(640, 360);
    await page.mouse.move(960, 540);
    expect(await leave.isVisible()).toBe(true);

    await page.locator('button[aria-label="Turn on captions"]').click();
    await page.locator('button[aria-label="Turn off captions"]').waitFor();

    await page.locator('button[aria-label^="People"]').click();
    const rows = page.locator('div[aria-label="Participants"][role="list"] [role="listitem"][data-participant-id]');
    await rows.first().waitFor();
    expect(await rows.evaluateAll((els) => els.map((e) => e.getAttribute('aria-label')))).toEqual([BOT, 'Alice', 'Bob']);

    const carol = await client.addParticipant(id, { name: 'Carol' });
    await page.locator('button[aria-label="People - 4 joined"]').waitFor({ state: 'attached' });
    await expect.poll(() => rows.count()).toBe(4);
    await client.removeParticipant(id, carol);
    await page.locator('button[aria-label="People - 3 joined"]').waitFor({ state: 'attached' });
    expect(await page.locator('span.notranslate', { hasText: 'Carol' }).count()).toBe(0);

    await client.showDialog(id, 'gemini');
    await expect(dialog.textContent()).resolves.toContain('Gemini is taking notes');
  });

  it('keeps its popups in the way until they are dismissed', async () => {
    const { id, page } = await open({ waiting_room: false, ui_variant: { popups: true } });
    const name = page.locator(NAME);
    await expect(name.click({ timeout: 500 })).rejects.toThrow();
    await page.getByRole('button', { name: 'Continue without microphone and camera' }).click();
    await expect(name.click({ timeout: 500 })).rejects.toThrow();
    await page.locator('div[role="button"]', { hasText: 'Dismiss' }).click();
    await name.fill(BOT);
    await page.locator(CTA).click();
    await client.waitFor(id, (m) => m.bot.status === 'admitted', 5000, 'admitted');
    const chat = page.locator('button[aria-label="Chat with everyone"]');
    await expect(chat.click({ timeout: 500 })).rejects.toThrow();
    await page.locator('button', { hasText: 'Got it' }).click();
    await chat.click();
    await page.locator('[role="list"][aria-label="Chat messages"]').waitFor();
  });

  it('by default is no stricter than the peers found Meet: granted devices skip the modal, a script-set name and an in-page click join', async () => {
    const { id, page } = await open({}, ['camera', 'microphone']);
    await page.locator(NAME).waitFor();
    await page.waitForTimeout(500);
    expect(await page.locator('div[role="dialog"][aria-modal="true"]').count()).toBe(0);
    // The devices the browser granted start live; the bot has to turn them off.
    expect(await page.locator('[aria-label="Turn off microphone"]').count()).toBeGreaterThan(0);
    await page.locator(NAME).evaluate((el: HTMLInputElement) => {
      el.value = 'Script Bot';
      el.dispatchEvent(new Event('input', { bubbles: true }));
    });
    await page.locator(CTA).evaluate((b: HTMLButtonElement) => b.click());
    const view = await client.waitFor(id, (m) => m.bot.status === 'knocking', 5000, 'knocking');
    expect(view.joined_names).toEqual(['Script Bot']);
    expect(eventTypesOf(view)).not.toContain('untrusted_input');
  });

  it('with `device_modal: always` shows the modal even when the devices are granted', async () => {
    const { page } = await open({ ui_variant: { device_modal: 'always' } }, ['camera', 'microphone']);
    await page.getByRole('button', { name: 'Continue without microphone and camera' }).waitFor();
  });

  it('a pointer-path gate on Join refuses a click the pointer jumped to (CDP) and takes one at the end of a path of moves', async () => {
    const { id, page } = await open({ ui_variant: { device_modal: 'never', input_gates: { join_button: 'pointer_path' } } });
    await page.fill(NAME, BOT);
    const cta = page.locator(CTA);
    await cta.click();
    await client.waitFor(id, (m) => m.events.some((e) => e.type === 'no_pointer_path'), 5000, 'the refused click');
    expect((await client.get(id)).bot.status).toBe('prejoin');
    const box = (await cta.boundingBox())!;
    await page.mouse.move(200, 600);
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2, { steps: 12 });
    await page.mouse.down();
    await page.mouse.up();
    const view = await client.waitFor(id, (m) => m.bot.status === 'knocking', 5000, 'knocking');
    expect(view.events.filter((e) => e.type === 'no_pointer_path').map((e) => e.detail?.control)).toEqual(['join_button']);
  });

  for (const variant of ['textarea', 'contenteditable'] as const) {
    it(`carries chat both ways (${variant} composer); ${variant === 'textarea' ? 'a simulated Enter sends from a closed panel' : 'only trusted input sends'}`, async () => {
      const { id, page } = await inCall({ ui_variant: { chat: variant } });
      await expect(page.locator(CTA).count()).resolves.toBe(0);
      await client.chat(id, 'Alice', 'hello bot');
      await page.mouse.move(700, 400);
      await page.locator('button[aria-label="Chat with everyone"]').click();
      const list = page.locator('[role="list"][aria-label="Chat messages"]');
      const first = list.locator('[role="listitem"]').first();
      await first.waitFor();
      expect((await first.innerText()).split('\n')[0]).toBe('Alice');
      expect(await first.innerText()).toContain('hello bot');
      expect(await first.locator('time').count()).toBe(1);
      expect(await list.locator('[id], [data-message-id]').count()).toBe(0);
      await client.waitFor(id, (m) => m.chat_sent[0]?.delivered === true, 5000, 'chat delivered');

      const input =
        variant === 'textarea'
          ? page.locator('textarea[aria-label="Send a message"]')
          : page.locator('[aria-label^="Send a message"] [contenteditable="true"]');
      const send = page.locator('button[aria-label^="Send a message"]');
      const text = 'Hi all – this call is recorded: "notes" ✓';
      await input.fill(text);
      if (variant === 'contenteditable') {
        await send.evaluate((b: HTMLButtonElement) => b.click());
        await input.dispatchEvent('keydown', { key: 'Enter' });
        await page.waitForTimeout(300);
        const view = await client.get(id);
        expect(view.chat_received).toEqual([]);
        expect(view.events.filter((e) => e.type === 'untrusted_input').length).toBe(2);
        await input.press('Enter');
      } else {
        await send.click();
      }
      let view = await client.waitFor(id, (m) => m.chat_received.length === 1, 5000, 'chat received');
      expect(view.chat_received[0]).toMatchObject({ sender: BOT, text });
      const echo = list.locator('[role="listitem"]').last();
      await expect.poll(() => echo.innerText()).toContain(text);
      expect((await echo.innerText()).split('\n')[0]).toBe(BOT);
      expect(variant === 'textarea' ? await input.inputValue() : await input.innerText()).toBe('');

      // Closing the panel: the contenteditable composer goes with it, the textarea stays in the page and a
      // script's Enter still sends (Attendee's flow).
      await page.getByRole('button', { name: 'Close' }).click();
      await list.waitFor({ state: 'detached' });
      if (variant === 'contenteditable') {
        expect(await input.count()).toBe(0);
        return;
      }
      expect(await input.count()).toBe(1);
      await input.evaluate((el: HTMLTextAreaElement) => {
        el.value = 'sent later';
        el.dispatchEvent(new Event('input', { bubbles: true }));
        el.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true }));
      });
      view = await client.waitFor(id, (m) => m.chat_received.length === 2, 5000, 'the later message');
      expect(view.chat_received[1]).toMatchObject({ sender: BOT, text: 'sent later' });
      expect(view.events.filter((e) => e.type === 'untrusted_input')).toEqual([]);
    });
  }

  it('shows denial, no answer, wait for host, removal, end, block and leave the way Meet words them', async () => {
    const denied = await open();
    await knock(denied.page);
    await client.waitFor(denied.id, (m) => m.bot.status === 'knocking', 5000, 'knocking');
    await client.deny(denied.id);
    await denied.page.getByText('Someone in the call denied your request to join').waitFor();

    const unanswered = await open({ lobby_timeout_ms: 500 });
    await knock(unanswered.page);
    await unanswered.page.getByText('No one responded to your request to join the call').waitFor();
    expect((await client.get(unanswered.id)).bot.status).toBe('no_answer');

    const hostless = await open({ host_present: false, ui_variant: { device_modal: 'never' } });
    await hostless.page.fill(NAME, BOT);
    await hostless.page.locator(CTA).click();
    await hostless.page.getByText('Waiting for the host to join').waitFor();
    await client.setHostPresent(hostless.id, true);
    await hostless.page.getByText('Asking to be let in…').waitFor();
    await client.block(hostless.id);
    const blockedScreen = hostless.page.locator('div[data-startup-code] h1[jsname="r4nke"]');
    await expect(blockedScreen.textContent()).resolves.toBe('You can’t join this video call');
    expect(await hostless.page.locator('div[data-startup-code="217"]').count()).toBe(0);

    const blockedEarly = await open({ blocked: true });
    await expect(blockedEarly.page.locator('h1[jsname="r4nke"]').textContent()).resolves.toBe('You can’t join this video call');
    expect(await blockedEarly.page.locator('input').count()).toBe(0);

    const kicked = await inCall();
    await client.kick(kicked.id);
    await expect(kicked.page.locator('.roSPhc').textContent()).resolves.toBe('You’ve been removed from the meeting');
    // The straight apostrophe every peer writes in its matchers, as a scenario.
    const kickedStraight = await inCall({ ui_variant: { meet_apostrophe: 'straight' } });
    await client.kick(kickedStraight.id);
    await expect(kickedStraight.page.locator('.roSPhc').textContent()).resolves.toBe("You've been removed from the meeting");

    const ended = await inCall();
    await client.end(ended.id);
    await expect(ended.page.locator('.roSPhc').textContent()).resolves.toBe('Your host ended the meeting for everyone');
    expect((await client.get(ended.id)).state).toBe('ended');

    const consent = await open({ auto_admit_ms: 300, ui_variant: { join_consent: 'gemini' } });
    await knock(consent.page);
    const notice = consent.page.locator('[role="dialog"]', { hasText: 'Gemini is taking notes' });
    await notice.getByRole('button', { name: 'Join now' }).click();
    await client.waitFor(consent.id, (m) => m.bot.status === 'admitted', 5000, 'admitted after consent');
    await consent.page.mouse.move(640, 360);
    await consent.page.locator('button[aria-label="Leave call"]').click();
    await consent.page.getByText('You left the meeting').waitFor();
    const left = await client.waitFor(consent.id, (m) => m.bot.status === 'left', 5000, 'left');
    expect(left.events.map((e) => e.type)).toContain('leave');
  });
});
