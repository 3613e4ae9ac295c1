import type { BrowserContext, Page } from 'playwright-core';
import { afterEach, describe, expect, it } from 'vitest';
import type { MeetingSpec } from '../../fixtures/mock/client.js';
import type { UiVariant } from '../../fixtures/mock/types.js';
import { useMockServer } from '../helpers/mockSuite.js';

// Drives the Microsoft Teams mock with plain Playwright (no adapter), screen by screen, against teams.md 2-5 and
// its mock fidelity checklist (7). Calls, media and chat: mockTeams.call.test.ts.

const { client, newContext } = useMockServer({ browser: true });
const contexts: BrowserContext[] = [];
afterEach(async () => {
  await Promise.all(contexts.splice(0).map((c) => c.close()));
});

const BOT = 'Note Taker';
const NAME = 'input[data-tid="prejoin-display-name-input"][placeholder="Type your name"]';
const JOIN = '#prejoin-join-button[data-tid="prejoin-join-button"]';
/** Fast knobs; each test turns on the delay or trap it is about. */
const FAST: Partial<UiVariant> = { teams_redirect_ms: 0, teams_shroud_ms: 0, device_modal: 'never', teams_launcher_iframe: false };

async function newPage(): Promise<Page> {
  const ctx = await newContext({ viewport: { width: 1280, height: 720 }, locale: 'en-US' });
  contexts.push(ctx);
  return ctx.newPage();
}

function meeting(spec: Omit<MeetingSpec, 'platform'> = {}) {
  return client.createMeeting({ platform: 'microsoft_teams', ...spec, ui_variant: { ...FAST, ...spec.ui_variant } });
}

async function events(id: string, type: string) {
  return (await client.get(id)).events.filter((e) => e.type === type);
}

/** The default invite link through the launcher's "Continue on this browser" to the pre-join. */
async function toPrejoin(spec: Omit<MeetingSpec, 'platform'> = {}) {
  const m = await meeting(spec);
  const page = await newPage();
  await page.goto(m.join_url);
  await page.locator('button[aria-label="Continue on this browser"]').click();
  await page.locator(NAME).waitFor();
  return { id: m.id, page };
}

async function knock(page: Page, name = BOT) {
  await page.locator(NAME).pressSequentially(name);
  await page.locator(JOIN).click();
}

describe('Teams mock: links, launcher, pre-join', () => {
  it('meetup-join link: an empty DOM during the redirect, the launcher with its msteams: iframe, then the light client', async () => {
    const m = await meeting({ ui_variant: { teams_redirect_ms: 800, teams_launcher_iframe: true } });
    expect(m.join_url).toMatch(/\/l\/meetup-join\/19%3ameeting_[A-Za-z0-9]+%40thread\.v2\/0\?context=%7b%22Tid%22%3a%22[0-9a-f-]{36}%22%2c%22Oid%22%3a%22[0-9a-f-]{36}%22%7d$/);
    const page = await newPage();
    await page.goto(m.join_url);
    expect(await page.locator('#app').innerHTML()).toBe('');
    await page.waitForURL(/\/dl\/launcher\/launcher\.html\?url=\/_#\/l\/meetup-join\/19%3ameeting_/);
    expect(await page.locator('#teamsLauncher').getAttribute('src')).toMatch(/^msteams:\/dl\/launcher\/launcher\.html\?url=%2F_%23%2Fl%2Fmeetup-join/);
    await page.locator('button[aria-label="Continue on this browser"]').click();
    await page.waitForURL(/\/light-meetings\/launch\?.*coords=.*lightExperience=true/);
    await page.locator(NAME).waitFor();
    const coords = JSON.parse(Buffer.from(decodeURIComponent(/coords=([^&]+)/.exec(page.url())![1]!), 'base64').toString()) as Record<string, string>;
    expect(coords).toMatchObject({ conversationId: `19:meeting_${m.id}@thread.v2`, messageId: '0' });
    expect(coords.tenantId).toMatch(/^[0-9a-f-]{36}$/);
    expect((await events(m.id, 'launcher_shown')).map((e) => e.detail)).toEqual([{ variant: 'continue_button', iframe: true }]);
    expect((await client.get(m.id)).bot.status).toBe('prejoin');
  });

  it('every other entry form reaches the pre-join: unencoded context, launcher, /v2/ fragments, coords, short link', async () => {
    const m = await meeting();
    const thread = `19%3ameeting_${m.id}%40thread.v2`;
    const coords = Buffer.from(JSON.stringify({ conversationId: `19:meeting_${m.id}@thread.v2`, tenantId: 't', organizerId: 'o', messageId: '0' })).toString('base64');
    const short = await meeting({ ui_variant: { teams_link: 'short' }, passcode: 'Pq7x2' });
    expect(short.join_url).toMatch(new RegExp(`/meet/${short.id}\\?p=Pq7x2$`));
    expect(short.id).toMatch(/^\d{10,15}$/);
    const forms: [string, string][] = [
      [`/l/meetup-join/${thread}/0?context={"Tid":"a","Oid":"b"}`, m.id],
      [`/dl/launcher/launcher.html?url=/_#/l/meetup-join/${thread}/0?context=%7b%7d&type=meetup-join&deeplinkId=x`, m.id],
      [`/v2/?meetingjoin=true#/l/meetup-join/${thread}/0?context=%7b%7d&anon=true`, m.id],
      [`/light-meetings/launch?agent=web&coords=${encodeURIComponent(coords)}`, m.id],
      [`/v2/?meetingjoin=true#/meet/${short.id}?p=Pq7x2&anon=true`, short.id],
      [new URL(short.join_url).pathname + new URL(short.join_url).search, short.id],
    ];
    for (const [path, id] of forms) {
      const page = await newPage();
      await page.goto(client.url + path);
      const cont = page.locator('button[aria-label="Continue on this browser"]');
      await Promise.race([cont.click().catch(() => undefined), page.locator(NAME).waitFor()]);
      await page.locator(NAME).waitFor();
      expect((await client.get(id)).bot.connected, path).toBe(true);
      await page.context().close();
    }
    // The short link's passcode travels with the join, as the meeting checks it.
    const page = await newPage();
    await page.goto(short.join_url);
    await page.locator('button[aria-label="Continue on this browser"]').click();
    await page.waitForURL(/\/v2\/\?meetingjoin=true#\/meet\/\d+\?p=Pq7x2/);
    await knock(page);
    await client.waitFor(short.id, (v) => v.bot.status === 'knocking');
  });

  it('launcher variants: a "Join on the web instead" link, [data-tid="joinOnWeb"], or none (forwards by itself)', async () => {
    for (const [variant, css] of [['join_on_web_link', 'a:text-is("Join on the web instead")'], ['join_on_web_tid', 'button[data-tid="joinOnWeb"]'], ['none', null]] as const) {
      const m = await meeting({ ui_variant: { teams_launcher: variant } });
      const page = await newPage();
      await page.goto(m.join_url);
      await page.waitForURL(/launcher\.html/);
      expect(await page.locator('button[aria-label="Continue on this browser"]').count()).toBe(0);
      if (css) await page.locator(css).click();
      await page.locator(NAME).waitFor();
      expect((await events(m.id, 'launcher_continue')).length, variant).toBe(css ? 1 : 0);
    }
  });

  it('Join now stays disabled until a name is typed (a value set without input events does not count); toggles flip aria-checked and title', async () => {
    const { id, page } = await toPrejoin();
    const join = page.locator(JOIN);
    expect(await join.textContent()).toBe('Join now');
    expect(await join.isDisabled()).toBe(true);
    await page.locator(NAME).evaluate((el: HTMLInputElement) => (el.value = 'Scripted'));
    expect(await join.isDisabled()).toBe(true);
    await page.locator(NAME).fill(BOT);
    expect(await join.isDisabled()).toBe(false);
    const mic = page.locator('input[type="checkbox"][role="switch"][data-tid="toggle-mute"]');
    expect(await mic.evaluate((el) => [el.getAttribute('aria-checked'), el.getAttribute('title')])).toEqual(['true', 'Mute mic']);
    await mic.click();
    expect(await mic.evaluate((el) => [el.getAttribute('aria-checked'), el.getAttribute('title')])).toEqual(['false', 'Unmute mic']);
    const cam = page.locator('[data-tid="toggle-video"]');
    await cam.click();
    expect(await cam.evaluate((el) => [el.getAttribute('aria-checked'), el.getAttribute('title'), el.hasAttribute('checked')])).toEqual(['false', 'Turn camera on', false]);
    await page.locator('[role="radio"][aria-label*="Computer audio"][aria-checked="true"]').waitFor();
    await join.click();
    await client.waitFor(id, (v) => v.bot.status === 'knocking');
    expect((await events(id, 'join_clicked'))[0]?.detail).toMatchObject({ name: BOT, mic: false, camera: false, audio: 'computer' });
  });

  it('teams.live.com toggles carry their state in `checked` only', async () => {
    const { page } = await toPrejoin({ ui_variant: { teams_toggle_state: 'checked' } });
    const cam = page.locator('[data-tid="toggle-video"]');
    expect(await cam.evaluate((el) => [el.hasAttribute('aria-checked'), el.hasAttribute('checked')])).toEqual([false, true]);
    await cam.click();
    expect(await cam.evaluate((el) => [el.hasAttribute('aria-checked'), el.hasAttribute('checked'), el.getAttribute('title')])).toEqual([false, false, 'Turn camera on']);
  });

  it('the hydration shroud takes clicks, and a name typed under it is lost', async () => {
    const { id, page } = await toPrejoin({ ui_variant: { teams_shroud_ms: 1500 } });
    await expect(page.locator(NAME).click({ timeout: 300 })).rejects.toThrow(/intercepts pointer events|Timeout/);
    await page.locator(NAME).focus();
    await page.keyboard.type(BOT);
    await expect.poll(() => events(id, 'name_lost_to_hydration').then((e) => e.length), { timeout: 5000 }).toBe(1);
    expect(await page.locator(NAME).inputValue()).toBe('');
    expect(await page.locator(JOIN).isDisabled()).toBe(true);
  });

  it('permission gate text, then the AV modal before the pre-join', async () => {
    const m = await meeting({ ui_variant: { device_modal: 'always', teams_av_modal: 'before_prejoin' } });
    const p = await newPage();
    await p.goto(m.join_url);
    await p.locator('button[aria-label="Continue on this browser"]').click();
    await p.getByText('Select Allow to let Microsoft Teams use your mic and camera').waitFor();
    expect(await p.locator(NAME).count()).toBe(0);
    await p.locator('button:text-is("OK")').click();
    const dialog = p.locator('[role="dialog"]:has-text("Are you sure you don\'t want audio or video?")');
    await dialog.waitFor();
    await expect(p.locator(NAME).click({ timeout: 300 })).rejects.toThrow(/intercepts pointer events|Timeout/);
    await p.locator('button:text-is("Continue without audio or video")').click();
    await knock(p);
    await client.waitFor(m.id, (v) => v.bot.status === 'knocking');
    expect((await events(m.id, 'av_modal_dismissed'))[0]?.detail).toEqual({ when: 'before_prejoin', how: 'continue' });
  });

  it('AV modal after Join now: Join now stays in the DOM behind it and the join waits until it is dismissed and Join now clicked again', async () => {
    const { id, page } = await toPrejoin({ ui_variant: { teams_av_modal: 'after_join' } });
    await knock(page);
    await page.locator('[role="dialog"] button:text-is("Continue without audio or video")').waitFor();
    expect(await page.locator(JOIN).isVisible()).toBe(true);
    await page.locator(JOIN).evaluate((el: HTMLElement) => el.click());
    expect((await client.get(id)).bot.status).toBe('prejoin');
    expect(await events(id, 'join_blocked')).toHaveLength(1);
    await page.locator('[role="dialog"] button[aria-label="Close"]').click();
    await page.waitForTimeout(200);
    expect((await client.get(id)).bot.status).toBe('prejoin');
    await page.locator(JOIN).click();
    await client.waitFor(id, (v) => v.bot.status === 'knocking');
  });
});

describe('Teams mock: gates, lobby and end screens', () => {
  it('lobby on the pre-join page: Join now disabled, the lobby text, Cancel, no Leave; a lobby reset enables Join now again', async () => {
    const { id, page } = await toPrejoin({ ui_variant: { teams_lobby_text: 'Someone in the meeting should let you in soon', teams_lobby_reset_ms: 700 } });
    await knock(page);
    await page.getByText('Someone in the meeting should let you in soon').waitFor();
    expect(await page.locator(JOIN).isDisabled()).toBe(true);
    expect(await page.locator('[data-tid="prejoin-cancel-button"]').isVisible()).toBe(true);
    expect(await page.locator('#hangup-button, button:has-text("Leave")').count()).toBe(0);
    await client.waitFor(id, (v) => v.bot.status === 'prejoin');
    await expect.poll(() => page.locator(JOIN).isDisabled()).toBe(false);
    await page.locator(JOIN).click();
    await client.waitFor(id, (v) => v.bot.status === 'knocking');
    await page.locator('[data-tid="prejoin-cancel-button"]').click();
    await client.waitFor(id, (v) => v.bot.status === 'left');
    await page.getByText('You left the meeting').waitFor();
  });

  it('default lobby text, the not-started text without a host, denial', async () => {
    const a = await toPrejoin({ host_present: false });
    await knock(a.page);
    await a.page.getByText("When the meeting starts, we'll let people know you're waiting").waitFor();
    const b = await toPrejoin();
    await knock(b.page);
    await b.page.getByText('Someone will let you in shortly').waitFor();
    await client.deny(b.id);
    await b.page.getByText('Sorry, but you were denied access to the meeting.').waitFor();
    await b.page.locator('[data-tid="calling-retry-cancelbutton"]').waitFor();
  });

  it('removal, end and hangup screens', async () => {
    const kicked = await toPrejoin({ waiting_room: false });
    await knock(kicked.page);
    await kicked.page.locator('#hangup-button').waitFor();
    await client.kick(kicked.id);
    expect(await kicked.page.locator('#calling-retry-screen-title').textContent()).toBe('You’ve been removed from this meeting');
    await kicked.page.locator('button:text-is("Rejoin")').waitFor();
    await kicked.page.locator('button:text-is("Dismiss")').waitFor();

    const ended = await toPrejoin({ waiting_room: false });
    await knock(ended.page);
    await ended.page.locator('#hangup-button').waitFor();
    await client.end(ended.id);
    await ended.page.locator('button[data-tid="anon-meeting-end-screen-rejoin-button"]').waitFor();
    expect(await ended.page.getByText('The meeting has ended').count()).toBe(1);
    expect(await ended.page.locator('#hangup-button').count()).toBe(0);

    const left = await toPrejoin({ waiting_room: false });
    await knock(left.page);
    await left.page.locator('button[data-tid="hangup-main-btn"][data-inp="hangup-button"][aria-label="Leave (Ctrl+Shift+H)"]').click();
    await left.page.getByText('You left the meeting').waitFor();
    expect((await client.get(left.id)).bot.status).toBe('left');
  });

  it('captcha, invalid link, sign-in redirect, verify-info modal, event not started', async () => {
    const blocked = await toPrejoin({ blocked: true });
    await knock(blocked.page);
    await blocked.page.getByText("Verify you're a real person").waitFor();
    await blocked.page.locator('[data-tid="HIP-Captcha-Image"]').waitFor();

    const missing = await meeting({ not_found: true });
    const p = await newPage();
    await p.goto(missing.join_url);
    await p.getByText('Looks like the meeting URL is incorrect. Please check the URL and try again.').waitFor();
    await p.goto(`${client.url}/v2/?meetingjoin=true`);
    await p.getByText('Looks like the meeting URL is incorrect.', { exact: false }).waitFor();

    const bounce = await toPrejoin({ ui_variant: { teams_gate: 'sign_in_redirect' } });
    await knock(bounce.page);
    await bounce.page.waitForURL(/\/login\.microsoftonline\.com\/common\/oauth2\/v2\.0\/authorize\?client_id=/);
    await bounce.page.locator('input[name="loginfmt"][type="email"]').waitFor();
    expect((await client.get(bounce.id)).bot.status).toBe('prejoin');

    const verify = await toPrejoin({ ui_variant: { teams_gate: 'verify_info' } });
    await verify.page.getByText('We need to verify your info before you can join').waitFor();

    const event = await toPrejoin({ ui_variant: { teams_gate: 'event_not_started' } });
    await knock(event.page);
    await event.page.getByText('External participants are not permitted to join before the event begins.', { exact: false }).waitFor();
    expect((await client.get(event.id)).bot.status).toBe('prejoin');
  });
});
