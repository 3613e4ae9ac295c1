import type { BrowserContext, Page } from 'playwright-core';
import { afterEach, describe, expect, it } from 'vitest';
import type { MeetingSpec } from '../../fixtures/mock/client.js';
import { useMockServer } from '../helpers/mockSuite.js';

// Drives the Zoom web client mock with plain Playwright (no adapter), against platforms.md 2: the screens and
// traps a bot meets before and around the meeting. The bot itself runs against the mock in zoom.test.ts.

const { client, newContext } = useMockServer({ browser: true });
const contexts: BrowserContext[] = [];

afterEach(async () => {
  await Promise.all(contexts.splice(0).map((c) => c.close()));
});

const JOIN = 'button.preview-join-button';

async function open(
  spec: Omit<MeetingSpec, 'platform'> = {},
  url?: (joinUrl: string) => string,
  permissions: string[] = [],
): Promise<{ id: string; page: Page }> {
  const meeting = await client.createMeeting({ platform: 'zoom', ...spec });
  const ctx = await newContext({ viewport: { width: 1280, height: 720 }, locale: 'en-US', permissions });
  contexts.push(ctx);
  const page = await ctx.newPage();
  await page.goto(url ? url(meeting.join_url) : meeting.join_url);
  return { id: meeting.id, page };
}

async function eventTypes(id: string): Promise<string[]> {
  return (await client.get(id)).events.map((e) => e.type);
}

describe('Zoom web client mock', () => {
  it('forwards the invite link to /wc/<id>/join with its pwd, shows the invalid-link page for unknown meetings, the classic client at /wc/join/<id>', async () => {
    const { id, page } = await open({ passcode: 'Secret42' });
    await page.waitForURL(/\/wc\/\d+\/join\?pwd=Secret42$/);
    expect(page.url()).toBe(`${client.url}/wc/${id}/join?pwd=Secret42`);
    await page.locator('#input-for-name').waitFor({ state: 'attached' });
    // The link's passcode is right: no passcode field.
    expect(await page.locator('#input-for-pwd').count()).toBe(0);

    await page.goto(`${client.url}/wc/81234567890/join`);
    await page.getByText('This meeting link is invalid (3,001)').waitFor();
    expect(await page.title()).toBe('Error - Zoom');
    expect(await page.locator('input').count()).toBe(0);

    await page.goto(`${client.url}/wc/join/${id}`);
    await page.locator('#inputname[placeholder="Your Name"]').waitFor({ state: 'attached' });
    expect(await page.locator('#joinBtn').getAttribute('class')).toContain('submit');
    // No pwd in this link: the classic form asks for the passcode.
    expect(await page.locator('input[type="password"]').count()).toBe(1);
  });

  it('as scenarios, puts cookie banner, terms and the permission dialog twice over the preview, and trusted-input gates want a typed name and a trusted click', async () => {
    const gates = { name: 'trusted', join_button: 'trusted' } as const;
    const { id, page } = await open({ waiting_room: false, ui_variant: { zoom_cookie_banner: 'always', zoom_terms: true, input_gates: gates } });
    await page.locator('#onetrust-reject-all-handler').click();
    // The terms dialog covers the form.
    await expect(page.locator('#input-for-name').click({ timeout: 500 })).rejects.toThrow(/intercepts pointer events/);
    await page.locator('#wc_agree1').click();
    await page.getByRole('button', { name: 'Continue without microphone and camera' }).click();
    // The second dialog (microphone) is up at once, over a form that is already visible.
    expect(await page.locator('#input-for-name').isVisible()).toBe(true);
    await expect(page.locator('#input-for-name').click({ timeout: 500 })).rejects.toThrow(/intercepts pointer events/);
    await page.locator('.continue-without-mic-camera').click();
    expect(await page.locator('#preview-audio-control-button').getAttribute('aria-label')).toBe('Unmute');
    await page.locator('#preview-audio-control-button').click();
    expect(await page.locator('#preview-audio-control-button').getAttribute('aria-label')).toBe('Mute');
    expect(await page.locator('#preview-video-control-button').getAttribute('aria-label')).toBe('Start Video');
    expect(await page.locator(JOIN).getAttribute('class')).toBe('zm-btn preview-join-button');

    // A value set by script leaves Join disabled; an untrusted click is ignored.
    expect(await page.locator(JOIN).isDisabled()).toBe(true);
    await page.locator('#input-for-name').evaluate((el: HTMLInputElement) => {
      el.value = 'Script Bot';
      el.dispatchEvent(new Event('input', { bubbles: true }));
    });
    expect(await page.locator(JOIN).isDisabled()).toBe(true);
    await page.locator('#input-for-name').fill('Typed Bot');
    expect(await page.locator(JOIN).isDisabled()).toBe(false);
    await page.locator(JOIN).evaluate((el: HTMLButtonElement) => el.click());
    await client.waitFor(id, (m) => m.events.some((e) => e.type === 'untrusted_input'), 5000, 'the untrusted click report');
    expect((await client.get(id)).bot.status).toBe('prejoin');

    await page.locator(JOIN).click();
    const view = await client.waitFor(id, (m) => m.bot.status === 'admitted', 5000, 'admitted');
    expect(view.joined_names).toEqual(['Typed Bot']);
    expect(view.events.find((e) => e.type === 'join_clicked')?.detail).toMatchObject({ name: 'Typed Bot', mic: true, camera: false });
    expect(await eventTypes(id)).toEqual(expect.arrayContaining(['cookies', 'terms', 'permission_dialog', 'untrusted_input', 'join_clicked']));
  });

  it('by default is no stricter than the peers found Zoom: no banner, terms or permission dialog on the React client with granted devices; an in-page Join click works', async () => {
    const { id, page } = await open({ waiting_room: false }, undefined, ['camera', 'microphone']);
    await page.locator('#input-for-name').waitFor();
    await page.waitForTimeout(500);
    expect(await page.locator('#onetrust-banner-sdk, #wc_agree1, .permission-allow').count()).toBe(0);
    // Granted devices start live: the bot has to mute them.
    expect(await page.locator('#preview-audio-control-button').getAttribute('aria-label')).toBe('Mute');
    await page.locator('#input-for-name').evaluate((el: HTMLInputElement) => {
      el.value = 'Script Bot';
      el.dispatchEvent(new Event('input', { bubbles: true }));
    });
    await page.locator(JOIN).evaluate((el: HTMLButtonElement) => el.click());
    const view = await client.waitFor(id, (m) => m.bot.status === 'admitted', 5000, 'admitted');
    expect(view.joined_names).toEqual(['Script Bot']);
    expect(await eventTypes(id)).not.toEqual(expect.arrayContaining(['untrusted_input']));

    // The classic client has the OneTrust banner (Vexa); `fromPWA=1` on the top page gets the PWA shell (meetingbot).
    const classic = await open({}, (u) => u.replace(/\/j\/(\d+)/, '/wc/join/$1'));
    await classic.page.locator('#onetrust-accept-btn-handler').waitFor();
    const pwa = await open({}, (u) => `${u}${u.includes('?') ? '&' : '?'}fromPWA=1`);
    await pwa.page.locator('iframe.pwa-webclient__iframe').waitFor();
    await pwa.page.frameLocator('iframe.pwa-webclient__iframe').locator('#input-for-name').waitFor();
  });

  it('renders the waiting room inside .meeting-app without a footer, then the meeting with a footer that hides but stays', async () => {
    const { id, page } = await open({ waiting_room: true, ui_variant: { device_modal: 'never', toolbar_autohide_ms: 1000 } });
    await page.locator('#input-for-name').fill('Lobby Bot');
    await page.locator(JOIN).click();
    await page.locator('.meeting-app').getByText('Please wait, the meeting host will let you in soon.').waitFor();
    expect(await page.locator('#wc-footer, button[aria-label="Leave"], .footer-button-base__button').count()).toBe(0);
    expect(await page.locator('audio').count()).toBeGreaterThan(0);

    await client.admit(id);
    const leave = page.locator('[footer-section="right"] button[aria-label="Leave"]');
    await leave.waitFor();
    expect(await leave.getAttribute('class')).toBe('footer-button-base__button ax-outline footer-button__button');
    expect(await page.locator('.video-avatar__avatar-footer span').allTextContents()).toEqual(['Lobby Bot']);
    await page.getByRole('button', { name: 'Join Audio by Computer' }).waitFor();
    await page.waitForTimeout(1500);
    expect(await leave.isVisible()).toBe(false);
    expect(await page.locator('#wc-footer').count()).toBe(1);
    await page.mouse.move(600, 400);
    await page.mouse.move(640, 420);
    expect(await leave.isVisible()).toBe(true);
  });

  it('sends chat on trusted input only (a chat gate), receives it into message containers, leaves through the confirm button', async () => {
    const { id, page } = await open({ waiting_room: false, ui_variant: { device_modal: 'never', chat: 'contenteditable', input_gates: { chat: 'trusted' } } });
    await page.locator('#input-for-name').fill('Chat Bot');
    await page.locator(JOIN).click();
    await page.getByRole('button', { name: 'Join Audio by Computer' }).click();
    await page.locator('button[aria-label*="chat panel"]').click();
    const editor = page.locator('.chat-rtf-box__editor-outer > .chat-rtf-box__editor-wrapper > div > div[contenteditable].tiptap.ProseMirror');
    await editor.click();
    await page.keyboard.insertText('first');
    await page.locator('button[aria-label="send"]').evaluate((el: HTMLButtonElement) => el.click());
    await page.locator('button[aria-label="send"]').click();
    await client.chat(id, 'Alice', 'one');
    await client.chat(id, 'Alice', 'two');
    await page.locator('.new-chat-message__container').nth(2).waitFor();
    const rows = await page.locator('.new-chat-message__container').evaluateAll((els) =>
      els.map((el) => [el.querySelector('.chat-item__sender')?.textContent ?? null, el.querySelector('.new-chat-message__text-box')?.textContent]),
    );
    expect(rows).toEqual([['Me', 'first'], ['Alice', 'one'], [null, 'two']]);
    const view = await client.waitFor(id, (m) => m.chat_sent.every((c) => c.delivered), 5000, 'delivery');
    expect(view.chat_received.map((c) => c.text)).toEqual(['first']);
    expect(view.events.filter((e) => e.type === 'untrusted_input').map((e) => e.detail)).toEqual([{ control: 'chat_send_button' }]);
    await client.waitFor(id, (m) => m.events.some((e) => e.type === 'audio_joined'), 5000, 'computer audio');

    await page.locator('button[aria-label="Leave"]').click();
    const confirm = page.locator('button.leave-meeting-options__btn--danger');
    expect(await confirm.textContent()).toBe('Leave Meeting');
    expect(await confirm.getAttribute('aria-label')).toBe('');
    expect(await page.getByText('End Meeting for All').count()).toBe(0);
    await confirm.click();
    await client.waitFor(id, (m) => m.bot.status === 'left', 5000, 'left');
  });
});
