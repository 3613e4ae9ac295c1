import { chromium, type Browser, type BrowserContext, type Frame, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { MeetingSpec } from '../../fixtures/mock/client.js';
import { useMockServer } from '../helpers/mockSuite.js';
import { startXDisplay, type XDisplay } from '../helpers/xDisplay.js';

// Drives the Webex mock with plain Playwright (no adapter), screen by screen, against platforms.md 3. The
// launch page runs in a headful Chromium on a private Xvfb, because the native dialog that `webex://` opens
// exists only there (and, unlike page dialogs, only an OS-level key press closes it).

const { client, newContext } = useMockServer({ browser: true });
const contexts: BrowserContext[] = [];

afterEach(async () => {
  await Promise.all(contexts.splice(0).map((c) => c.close()));
});

const BOT = 'Note Taker';
const EMAIL = 'notetaker@example.com';
const NAME = 'input[data-test="Name (required)"]';
const MDC_NAME = 'mdc-input[data-test="Name"] input';
const JOIN = 'mdc-button[data-test="join-button"]';
const ENABLED = ':not([disabled]):not([aria-disabled="true"])';

async function newPage(): Promise<Page> {
  const ctx = await newContext({ viewport: { width: 1280, height: 720 }, locale: 'en-US' });
  contexts.push(ctx);
  return ctx.newPage();
}

async function meeting(spec: Omit<MeetingSpec, 'platform'> = {}) {
  return client.createMeeting({ platform: 'webex', ...spec });
}

/** Opens the client page directly (the guest provider's fallback: the iframe's own URL). */
async function openClient(spec: Omit<MeetingSpec, 'platform'> = {}): Promise<{ id: string; page: Page }> {
  const m = await meeting(spec);
  const page = await newPage();
  const res = await page.goto(`${client.url}/webappng/sites/acme/meeting/webclient/${m.id}?mtid=${m.id}`);
  expect(res?.status()).toBe(200);
  return { id: m.id, page };
}

async function fillForm(page: Page | Frame, name = BOT, nameCss = NAME): Promise<void> {
  await page.locator(nameCss).fill(name);
  await page.locator('[data-test="Email (required)"], mdc-input[data-test="Email"] input').first().fill(EMAIL);
}

async function events(id: string, type: string) {
  return (await client.get(id)).events.filter((e) => e.type === type);
}

describe('Webex mock: launch page (headful, native dialog)', () => {
  let x: XDisplay;
  let headful: Browser;

  beforeAll(async () => {
    x = await startXDisplay();
    headful = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      headless: false,
      env: { ...process.env, DISPLAY: x.display },
      args: [
        '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync', '--no-sandbox',
        '--window-position=0,0', '--window-size=1280,720', '--lang=en-US',
      ],
    });
  });

  afterAll(async () => {
    await headful?.close();
    await x?.close();
  });

  async function headfulPage(): Promise<{ page: Page; schemes: string[] }> {
    const ctx = await headful.newContext({ viewport: null, locale: 'en-US' });
    contexts.push(ctx);
    const page = await ctx.newPage();
    const schemes: string[] = [];
    page.on('requestfailed', (r) => {
      if (r.url().startsWith('webex:')) schemes.push(r.url());
    });
    return { page, schemes };
  }

  it('first click fires webex:// and then "Problem joining from browser?" blocks the chooser; after an OS Escape and closing it, a later click opens the client iframe', async () => {
    const m = await meeting();
    expect(m.join_url).toMatch(new RegExp(`^${client.url}/acme/j\\.php\\?MTID=m[0-9a-f]{32}$`));
    const { page, schemes } = await headfulPage();
    await page.goto(m.join_url);
    await page.waitForURL(new RegExp(`/webappng/sites/acme/meeting/download/${m.id}\\?siteurl=acme$`));
    expect(await page.locator('h1').textContent()).toBe('Join your Webex meeting');
    const join = page.locator('#broadcom-center-right');
    expect(await join.evaluate((el) => [el.tagName, el.getAttribute('role'), el.textContent])).toEqual(['DIV', 'button', 'Join from this browser']);

    await join.click();
    await expect.poll(() => schemes.length, { timeout: 5000 }).toBe(1);
    expect(schemes[0]).toMatch(/^webex:\/\/meeting\?/);
    const problem = page.locator('.el-dialog__wrapper');
    await problem.waitFor({ state: 'visible' });
    expect(await problem.textContent()).toContain('Problem joining from browser?');

    // The popup's mask covers the chooser.
    await expect(join.click({ timeout: 1000 })).rejects.toThrow(/intercepts pointer events|Timeout/);
    // Chromium's own dialog takes every click until an OS-level Escape; under load it can open after an early
    // Escape, so press, close, and look again, as a bot has to.
    await expect
      .poll(
        async () => {
          await x.key('Escape');
          await page.locator('.el-dialog__close').click({ timeout: 1000 }).catch(() => undefined);
          return problem.count();
        },
        { timeout: 15_000, interval: 500 },
      )
      .toBe(0);
    expect(await events(m.id, 'problem_dialog_closed')).toHaveLength(1);

    await join.click();
    const frame = page.frameLocator('iframe#unified-webclient-iframe');
    await frame.locator(NAME).waitFor();
    expect(schemes.length).toBe(1);
    const clicks = (await events(m.id, 'chooser_click')).map((e) => e.detail);
    expect(clicks).toEqual([
      { n: 1, trusted: true, action: 'launch_app' },
      { n: 2, trusted: true, action: 'join_from_browser' },
    ]);
    expect(await page.locator('iframe#unified-webclient-iframe').getAttribute('src')).toBe(
      `/webappng/sites/acme/meeting/webclient/${m.id}?mtid=${m.id}`,
    );
    expect((await client.get(m.id)).bot.status).toBe('prejoin');
  });

  it('personal room link, main-frame client: the native dialog dims the whole window and swallows clicks until Escape; the client replaces the launch page', async () => {
    const m = await meeting({ ui_variant: { webex_link: 'personal_room', webex_client: 'main_frame', webex_problem_dialog: false } });
    expect(m.join_url).toBe(`${client.url}/meet/${m.id}`);
    const { page, schemes } = await headfulPage();
    await page.goto(m.join_url);
    const join = page.locator('#broadcom-center-right');
    await join.waitFor();
    const before = await x.meanLuma();
    await join.click();
    await expect.poll(() => schemes.length, { timeout: 5000 }).toBe(1);
    // Browser chrome, drawn on the display: a recording of the screen would show it.
    await expect.poll(() => x.meanLuma(), { timeout: 10_000 }).toBeLessThan(before - 40);
    // While it is up, a trusted click is accepted by CDP but never reaches the page.
    await join.click();
    await page.waitForTimeout(300);
    expect(await events(m.id, 'chooser_click')).toHaveLength(1);
    await x.key('Escape');
    await expect.poll(() => x.meanLuma(), { timeout: 5000 }).toBeGreaterThan(before - 10);
    await join.click();
    await page.waitForURL(new RegExp(`/webappng/sites/acme/meeting/preloader\\.html\\?mtid=${m.id}&runInOwnPage=true$`));
    await page.locator(NAME).waitFor();
    expect(await page.locator('iframe').count()).toBe(0);
  });
});

describe('Webex mock: client', () => {
  it('preloaded client: a hidden iframe waits behind the chooser; its src with preload=false starts the client (the guest provider fallback)', async () => {
    const m = await meeting({ ui_variant: { webex_preload_iframe: true } });
    const page = await newPage();
    await page.goto(m.join_url);
    const iframe = page.locator('iframe#unified-webclient-iframe');
    await iframe.waitFor({ state: 'attached' });
    expect(await page.locator('#broadcom-center-right').isVisible()).toBe(true);
    expect(await iframe.isVisible()).toBe(false);
    const src = (await iframe.getAttribute('src'))!;
    expect(src).toContain('preload=true');
    await page.waitForTimeout(500);
    expect(await page.frameLocator('iframe#unified-webclient-iframe').locator(NAME).count()).toBe(0);
    expect((await client.get(m.id)).events.filter((e) => e.type === 'page_opened')).toHaveLength(1); // the launch page only

    await page.goto(new URL(src.replace('preload=true', 'preload=false'), client.url).href);
    await page.locator(NAME).waitFor();
    expect((await client.get(m.id)).bot.status).toBe('prejoin');
  });

  it('asks for the password first: a wrong one shows an error and clears the field, the right one opens the form', async () => {
    const { id, page } = await openClient({ passcode: 'Secret42', waiting_room: false });
    const field = page.locator('input[aria-label="Meeting password"]');
    await field.fill('nope');
    await page.locator('mdc-button[type="submit"]').click();
    await page.getByText('Incorrect password. Try again.').waitFor();
    expect(await field.inputValue()).toBe('');
    expect(await page.locator(NAME).count()).toBe(0);

    await field.fill('Secret42');
    await page.locator('mdc-button[type="submit"]').click();
    await page.locator(NAME).waitFor();
    expect((await events(id, 'passcode_check')).map((e) => e.detail)).toEqual([{ ok: false }, { ok: true }]);
    await fillForm(page);
    await page.locator(JOIN + ENABLED).click();
    const view = await client.waitFor(id, (v) => v.bot.status === 'admitted', 5000, 'admitted');
    expect(view.joined_names).toEqual([BOT]);
  });

  it('a blocked bot meets a captcha on the password page that never passes', async () => {
    const { id, page } = await openClient({ blocked: true });
    await page.locator('img[alt="Captcha image"]').waitFor();
    await page.locator('input[aria-label="Meeting password"]').fill('anything');
    await page.locator('mdc-button[type="submit"]').click();
    await page.getByText('do not match the image').waitFor();
    expect((await client.get(id)).bot.status).toBe('blocked');
  });

  it('pre-join form: pre-filled name kept by the form’s state, media labels, soft-disabled camera with its blocking dialog, cookie banner, a join gate ignoring untrusted clicks', async () => {
    const ui = { webex_prefilled_name: 'Previous Guest', webex_mic: 'live', webex_camera: 'none', input_gates: { join_button: 'trusted' } } as const;
    const { id, page } = await openClient({ ui_variant: ui });
    const name = page.locator(NAME);
    expect(await name.inputValue()).toBe('Previous Guest');
    const join = page.locator(JOIN);
    expect(await join.textContent()).toBe('Join meeting');
    expect(await join.getAttribute('aria-disabled')).toBe('true'); // no email yet

    const mic = page.locator('mdc-button[data-test="microphone-button"]');
    const camera = page.locator('mdc-button[data-test="camera-button"]');
    expect(await mic.getAttribute('aria-label')).toBe('Mute');
    await mic.click();
    expect(await mic.getAttribute('aria-label')).toBe('Unmute');
    expect(await camera.getAttribute('aria-label')).toBe('Start video');
    expect(await camera.getAttribute('aria-disabled')).toBe('true');
    await camera.click({ force: true });
    const noCamera = page.locator('[role="dialog"]:has-text("No camera found")');
    await noCamera.waitFor();

    // Cookie banner: LMA rejects through the first mdc-button of .cookie-banner-body.
    const first = page.locator('#cookieMgmtbanner .cookie-banner-body mdc-button').first();
    expect(await first.textContent()).toBe('Reject');

    await page.locator('[data-test="Email (required)"]').fill(EMAIL, { force: true });
    // The dialog blocks the form until OK.
    await expect(join.click({ timeout: 1000 })).rejects.toThrow(/intercepts pointer events|Timeout/);
    await noCamera.locator('mdc-button:has-text("OK")').click();
    await noCamera.waitFor({ state: 'detached' });
    await first.click();
    await page.locator('#cookieMgmtbanner').waitFor({ state: 'detached' });

    // A value written by script without input/change events is not what the form joins with.
    await name.evaluate((el: HTMLInputElement) => {
      el.value = 'Script Name';
    });
    await join.evaluate((el: HTMLElement) => el.click());
    await join.dispatchEvent('click');
    // The mock reports what it refused asynchronously: wait for both reports rather than a fixed pause.
    await client.waitFor(id, (v) => v.events.filter((e) => e.type === 'untrusted_input').length >= 2, 5000, 'both untrusted reports');
    expect((await events(id, 'untrusted_input')).length).toBe(2);
    expect((await client.get(id)).joined_names).toEqual([]);
    await join.click();
    const view = await client.waitFor(id, (v) => v.joined_names.length > 0, 5000, 'the join');
    expect(view.joined_names).toEqual(['Previous Guest']);
    const types = view.events.map((e) => e.type);
    expect(types).toEqual(expect.arrayContaining(['no_camera_dialog', 'no_camera_dialog_closed', 'cookies']));
    expect(view.events.find((e) => e.type === 'join_form')?.detail).toEqual({ name: 'Previous Guest', email: EMAIL, mic: false, camera: false });
  });

  it('by default takes in-page input as the peers found Webex does (LMA falls back to DOM clicks): a DOM click joins, a script Enter sends', async () => {
    const { id, page } = await openClient({ waiting_room: false });
    await fillForm(page);
    await page.locator(JOIN + ENABLED).evaluate((el: HTMLElement) => el.click());
    await client.waitFor(id, (v) => v.joined_names.length > 0, 5000, 'the join');
    await page.locator('mdc-button[data-test="in-meeting-chat-toggle-button"]').click();
    const editor = page.locator('.ql-editor[contenteditable="true"]');
    await editor.click();
    await page.keyboard.insertText('from a script');
    await editor.dispatchEvent('keydown', { key: 'Enter' });
    const view = await client.waitFor(id, (v) => v.chat_received.length === 1, 5000, 'the chat message');
    expect(view.chat_received[0]?.text).toBe('from a script');
    expect(view.events.filter((e) => e.type === 'untrusted_input')).toEqual([]);
  });

  it('mdc-input name field (open shadow root), lobby with the false-admission hooks, waiting for host, admission into the meeting', async () => {
    const { id, page } = await openClient({
      host_present: false,
      participants: [{ name: 'Alice Example' }, { name: 'Bob Example' }],
      ui_variant: { webex_name_field: 'mdc_input', webex_prefilled_name: 'Old Name', webex_cookie_banner: false, webex_mic: 'muted', webex_camera: 'on' },
    });
    await page.locator(MDC_NAME).waitFor();
    expect(await page.locator('mdc-button[data-test="microphone-button"]').getAttribute('aria-label')).toBe('Unmute');
    const camera = page.locator('mdc-button[data-test="camera-button"]');
    expect(await camera.getAttribute('aria-label')).toBe('Stop video');
    await camera.click();
    expect(await camera.getAttribute('aria-label')).toBe('Start video');
    // Plain CSS stops at the shadow root; Playwright's CSS pierces it.
    expect(await page.evaluate((css) => document.querySelector(css), MDC_NAME)).toBeNull();
    expect(await page.locator('mdc-input[data-test="Name"]').evaluate((el) => el.shadowRoot?.mode)).toBe('open');
    expect(await page.locator(MDC_NAME).inputValue()).toBe('Old Name');
    await fillForm(page, BOT, MDC_NAME);
    await page.locator(JOIN + ENABLED).click();
    await page.getByText('Connecting...').waitFor();

    const lobby = page.locator('[data-test="call_lobby_content"]');
    await lobby.waitFor();
    expect(await lobby.textContent()).toContain('Waiting for the host to start the meeting');
    expect((await client.get(id)).bot.status).toBe('waiting_for_host');
    await client.setHostPresent(id, true);
    await page.getByText('Waiting for the host to let you in').waitFor();
    expect(await lobby.textContent()).toContain('The host will let you in soon.');
    expect(await page.title()).toMatch(/lobby/i);
    for (const trap of ['[data-test="more-menu-button"]', 'mdc-button[aria-label="Leave meeting"]', '[data-test="local_stream"]', '[data-test="pin-self-view-button"]']) {
      expect(await page.locator(trap).count(), trap).toBe(1);
    }
    expect(await page.locator('[data-test="in-meeting-chat-toggle-button"], [data-test="grid-layout"]').count()).toBe(0);

    await client.admit(id);
    await page.locator('[data-test="grid-layout"]').waitFor();
    expect(await page.locator('[data-test="call_lobby_content"]').count()).toBe(0);
    for (const hook of ['participants-toggle-button', 'in-meeting-chat-toggle-button', 'mc-share', 'raise-hand-button', 'more-menu-button']) {
      expect(await page.locator(`mdc-button[data-test="${hook}"]`).count(), hook).toBe(1);
    }
    expect(await page.locator('[data-test$="-video-pane-container"]').count()).toBe(3);
    await expect
      .poll(async () => (await page.locator('[data-test="participant-name"]').allTextContents()).sort())
      .toEqual(['Alice Example', 'Bob Example', BOT]);
    expect(await page.title()).toMatch(/in meeting/i);
    const view = await client.waitFor(id, (v) => v.participants.every((p) => p.received_by_bot.length === 2), 15_000, 'media');
    expect(view.joined_names).toEqual([BOT]);
  });

  it('chat: Lit rows (shell first, text later), Quill composer on trusted Enter only (a chat gate), exact text; leave without a confirm', async () => {
    const { id, page } = await openClient({ waiting_room: false, participants: [{ name: 'Alice Example' }], ui_variant: { input_gates: { chat: 'trusted' } } });
    await fillForm(page);
    await page.locator(JOIN + ENABLED).click();
    await page.locator('[data-test="grid-layout"]').waitFor();
    await page.locator('mdc-button[data-test="in-meeting-chat-toggle-button"]').click();
    const editor = page.locator('.ql-editor[contenteditable="true"]');
    await editor.waitFor();
    // #activity-list holds the mdc-list as a descendant, not a direct child.
    expect(await page.locator('#activity-list > mdc-list').count()).toBe(0);
    expect(await page.locator('#activity-list mdc-list').count()).toBe(1);

    // Record what a MutationObserver sees: rows arrive empty, their text later.
    await page.evaluate(() => {
      const w = window as unknown as { emptyRows: number };
      w.emptyRows = 0;
      new MutationObserver((records) => {
        for (const r of records) for (const n of r.addedNodes) if (n instanceof HTMLElement && n.matches('.activity-item') && n.textContent === '') w.emptyRows++;
      }).observe(document.querySelector('#activity-list')!, { childList: true, subtree: true });
    });
    await client.chat(id, 'Alice Example', 'First line from Alice');
    await client.chat(id, 'Alice Example', 'Second line from Alice');
    await expect.poll(() => page.locator('#activity-list .activity-item .activity-item-message').allTextContents()).toEqual([
      'First line from Alice',
      'Second line from Alice',
    ]);
    expect(await page.evaluate(() => (window as unknown as { emptyRows: number }).emptyRows)).toBe(2);
    // Consecutive messages of one sender: only the first row names the sender.
    expect(await page.locator('#activity-list .activity-item .sender-name').allTextContents()).toEqual(['Alice Example']);
    expect((await client.get(id)).chat_sent.every((c) => c.delivered)).toBe(true);

    const text = 'Notes: <b>not bold</b> & "quoted" — 100%';
    await editor.click();
    await page.keyboard.insertText(text);
    await editor.dispatchEvent('keydown', { key: 'Enter' });
    await client.waitFor(id, (v) => v.events.some((e) => e.type === 'untrusted_input'), 5000, 'the untrusted Enter report');
    expect((await events(id, 'untrusted_input')).map((e) => e.detail)).toEqual([{ control: 'chat_enter' }]);
    await page.keyboard.press('Enter');
    const view = await client.waitFor(id, (v) => v.chat_received.length === 1, 5000, 'the chat message');
    expect(view.chat_received[0]).toMatchObject({ sender: BOT, text });
    expect(await editor.textContent()).toBe('');
    await expect.poll(() => page.locator('.sender-name').allTextContents()).toEqual(['Alice Example', 'You']);

    await page.locator('mdc-button[aria-label="Leave meeting"]').click();
    await page.getByText('You have left the meeting').waitFor();
    expect((await client.get(id)).bot.status).toBe('left');
  });

  it('end screens: "The host ended the meeting" (also from the lobby) and the removal text', async () => {
    const ended = await openClient({ participants: [] });
    await fillForm(ended.page);
    await ended.page.locator(JOIN + ENABLED).click();
    await ended.page.locator('[data-test="call_lobby_content"]').waitFor();
    await client.end(ended.id);
    await ended.page.locator('[data-test="meeting-ended"]').getByText('The host ended the meeting').waitFor();

    const kicked = await openClient({ waiting_room: false });
    await fillForm(kicked.page);
    await kicked.page.locator(JOIN + ENABLED).click();
    await kicked.page.locator('[data-test="grid-layout"]').waitFor();
    await client.kick(kicked.id);
    await kicked.page.getByText('You have been removed from the meeting').waitFor();
    expect(await kicked.page.locator('[data-test="grid-layout"]').count()).toBe(0);
  });
});
