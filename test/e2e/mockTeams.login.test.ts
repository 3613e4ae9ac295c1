import type { BrowserContext, Page } from 'playwright-core';
import { afterEach, describe, expect, it } from 'vitest';
import { totpCode } from '../../src/account/totp.js';
import type { MicrosoftAccountSpec } from '../../fixtures/mock/client.js';
import { useMockServer } from '../helpers/mockSuite.js';
import { microsoftAccount, TOTP_SECRET as SECRET } from '../helpers/teamsSignIn.js';

// Microsoft's sign-in pages of the Teams mock, driven with plain Playwright (no adapter): the username and password
// steps on one page, the walls (unknown account, wrong password, a code, a push, security-info registration, a
// captcha), "Stay signed in?", the HttpOnly session cookie and its rotation, and the Teams pre-join for a guest
// (with its "Sign in") and for a signed-in browser (no name field, the account's name and avatar).

const { client, newContext } = useMockServer({ browser: true });
const contexts: BrowserContext[] = [];
afterEach(async () => {
  await Promise.all(contexts.splice(0).map((c) => c.close()));
});

const FAST = { teams_redirect_ms: 0, teams_shroud_ms: 0, device_modal: 'never', teams_launcher_iframe: false } as const;

const account = (spec: Partial<MicrosoftAccountSpec> = {}) => microsoftAccount(client, spec);

async function newPage(): Promise<{ page: Page; context: BrowserContext }> {
  const context = await newContext({ viewport: { width: 1280, height: 720 }, locale: 'en-US' });
  contexts.push(context);
  return { page: await context.newPage(), context };
}

/** Microsoft's sign-in as the bounce opens it, coming back to `back`. */
function loginUrl(back = '/v2/'): string {
  const state = encodeURIComponent(Buffer.from(JSON.stringify({ return: back })).toString('base64'));
  return `${client.url}/login.microsoftonline.com/common/oauth2/v2.0/authorize?client_id=x&response_type=code&state=${state}`;
}

async function typeUsername(page: Page, email: string): Promise<void> {
  await page.locator('input[name="loginfmt"]').fill(email);
  await page.locator('#idSIButton9').click();
}

async function typePassword(page: Page, password: string): Promise<void> {
  await page.locator('input[name="passwd"]').fill(password);
  await page.locator('input[type="submit"]#idSIButton9[value="Sign in"]').click();
}

const types = async (email: string) => (await client.microsoftAccount(email)).events.map((e) => e.type);

describe('Teams mock: Microsoft sign-in pages', () => {
  it('an unknown username gets #usernameError and no password field', async () => {
    const { page } = await newPage();
    await page.goto(loginUrl());
    await typeUsername(page, 'nobody@contoso.example');
    await expect.poll(() => page.locator('#usernameError').innerText()).toContain('This username may be incorrect');
    expect(await page.locator('input[name="passwd"]').isVisible()).toBe(false);
  });

  it('the password shows on the same page (the username field stays, hidden); a wrong one comes back with #passwordError', async () => {
    const a = await account();
    const { page } = await newPage();
    await page.goto(loginUrl());
    const url = page.url();
    await typeUsername(page, a.email);
    await page.locator('input[name="passwd"]').waitFor();
    expect(page.url()).toBe(url);
    expect(await page.locator('input[name="loginfmt"]').count()).toBe(1);
    expect(await page.locator('input[name="loginfmt"]').isVisible()).toBe(false);
    await typePassword(page, 'wrong');
    await expect.poll(() => page.locator('#passwordError').innerText()).toContain('Your account or password is incorrect');
    expect(await page.locator('input[name="passwd"]').isVisible()).toBe(true);
    expect(await types(a.email)).toEqual(['username_known', 'password_wrong']);
  });

  it('the right password, "Stay signed in?" Yes: an HttpOnly persistent cookie and back to the Teams page, whose pre-join knocks under the account\'s name; Teams rotates the cookie, the old value still good a while', async () => {
    const a = await account();
    const m = await client.createMeeting({ platform: 'microsoft_teams', ui_variant: FAST });
    const { page, context } = await newPage();
    await page.goto(loginUrl(new URL(m.join_url).pathname + new URL(m.join_url).search));
    await typeUsername(page, a.email);
    await typePassword(page, a.password);
    await page.locator('#KmsiDescription').waitFor();
    expect(await page.locator('#idBtn_Back[value="No"]').isVisible()).toBe(true);
    await page.locator('#KmsiCheckboxField').check();
    await page.locator('#idSIButton9[value="Yes"]').click();
    await page.waitForURL(/\/dl\/launcher\/launcher\.html/);
    const [issued] = await context.cookies();
    expect(issued).toMatchObject({ name: 'ESTSAUTHPERSISTENT', httpOnly: true });
    expect(issued!.expires).toBeGreaterThan(Date.now() / 1000 + 30 * 86400);
    expect(await page.evaluate(() => document.cookie)).toBe('');
    // The signed-in pre-join: /v2/ instead of the light client, no name field, the account's name and avatar, Join now usable.
    await page.locator('button[aria-label="Continue on this browser"]').click();
    await page.locator('#prejoin-join-button:not([disabled])').waitFor();
    expect(page.url()).toMatch(/\/v2\/\?meetingjoin=true#\/l\/meetup-join\//);
    expect(page.url()).not.toContain('anon=true');
    expect(await page.locator('input[data-tid="prejoin-display-name-input"]').count()).toBe(0);
    expect(await page.locator(`[role="img"][aria-label="${a.display_name}"]`).isVisible()).toBe(true);
    expect(await page.getByText('Sign in', { exact: true }).count()).toBe(0);
    const rotated = (await context.cookies()).find((c) => c.name === 'ESTSAUTHPERSISTENT')!;
    expect(rotated.value).not.toBe(issued!.value);
    await page.locator('#prejoin-join-button').click();
    const view = await client.waitFor(m.id, (v) => v.bot.status === 'knocking', 10_000, 'the signed-in bot in the lobby');
    expect(view.joined_names).toEqual([a.display_name]);
    expect(view.events.find((e) => e.type === 'signed_in')?.detail).toEqual({ email: a.email, name: a.display_name });
    expect(await types(a.email)).toEqual(['username_known', 'password_ok', 'session_issued', 'session_used', 'session_used']);
    expect((await client.microsoftAccount(a.email)).events.find((e) => e.type === 'session_issued')?.detail).toEqual({ persistent: true, dont_show_again: true });

    // The value before the rotation still signs a fresh browser in (grace), as does the current one.
    for (const value of [issued!.value, rotated.value]) {
      const other = await newPage();
      await other.context.addCookies([{ ...issued!, value }]);
      await other.page.goto(`${client.url}/v2/?meetingjoin=true#/l/meetup-join/${encodeURIComponent(`19:meeting_${m.id}@thread.v2`)}/0?`);
      await other.page.locator('#prejoin-join-button:not([disabled])').waitFor();
      expect(await other.page.locator('input[data-tid="prejoin-display-name-input"]').count()).toBe(0);
    }
  });

  it('a code: "Enter code" refuses a wrong one and takes the authenticator\'s; a push offers the other way to the code', async () => {
    const totp = await account({ mfa: 'totp', totp_secret: SECRET });
    const { page } = await newPage();
    await page.goto(loginUrl());
    await typeUsername(page, totp.email);
    await typePassword(page, totp.password);
    await page.locator('input[name="otc"]#idTxtBx_SAOTCC_OTC').fill('000000');
    await page.locator('#idSubmit_SAOTCC_Continue').click();
    await expect.poll(() => page.locator('#idSpan_SAOTCC_Error_OTC').innerText()).toContain("You didn't enter the expected verification code");
    await page.locator('input[name="otc"]').fill(totpCode(SECRET));
    await page.locator('#idSubmit_SAOTCC_Continue').click();
    await page.locator('#KmsiCheckboxField').waitFor();
    expect(await types(totp.email)).toEqual(['username_known', 'password_ok', 'totp_shown', 'otc_wrong', 'otc_ok']);

    const push = await account({ mfa: 'push', totp_secret: SECRET });
    const second = await newPage();
    await second.page.goto(loginUrl());
    await typeUsername(second.page, push.email);
    await typePassword(second.page, push.password);
    await second.page.getByText('Approve sign in request').waitFor();
    expect(await second.page.locator('#idRichContext_DisplaySign').innerText()).toMatch(/^\d{2}$/);
    await second.page.locator('#signInAnotherWay').click();
    await second.page.locator('#idDiv_SAOTCS_Proofs [data-value="PhoneAppOTP"]').click();
    await second.page.locator('input[name="otc"]').fill(totpCode(SECRET));
    await second.page.locator('#idSubmit_SAOTCC_Continue').click();
    await second.page.locator('#KmsiCheckboxField').waitFor();
  });

  it('walls with no way on: "More information required" and a captcha frame', async () => {
    for (const [spec, wall] of [[{ mfa: 'register' }, '#idSubmit_ProofUp_Redirect'], [{ captcha: true }, 'iframe#arkoseFrame']] as const) {
      const a = await account(spec);
      const { page } = await newPage();
      await page.goto(loginUrl());
      await typeUsername(page, a.email);
      await typePassword(page, a.password);
      await page.locator(wall).waitFor();
      expect(await page.locator('input[name="passwd"], input[name="otc"], #KmsiCheckboxField').count()).toBe(0);
    }
    const register = await newPage();
    await register.page.goto(`${client.url}/login.microsoftonline.com/common/login?view=proofup`);
    await expect.poll(() => register.page.locator('body').innerText()).toContain('More information required');
  });

  it('a guest\'s pre-join offers "Sign in", which leads to Microsoft\'s sign-in and back to the meeting signed in', async () => {
    const a = await account();
    const m = await client.createMeeting({ platform: 'microsoft_teams', ui_variant: FAST });
    const { page } = await newPage();
    await page.goto(m.join_url);
    await page.locator('button[aria-label="Continue on this browser"]').click();
    await page.locator('input[data-tid="prejoin-display-name-input"]').waitFor();
    await page.locator('a:has-text("Sign in")').click();
    await typeUsername(page, a.email);
    await typePassword(page, a.password);
    await page.locator('#idSIButton9[value="Yes"]').click();
    await page.locator('#prejoin-join-button:not([disabled])').waitFor();
    expect(await page.locator('input[data-tid="prejoin-display-name-input"]').count()).toBe(0);
    expect((await client.get(m.id)).events.map((e) => e.type)).toEqual(expect.arrayContaining(['sign_in_clicked', 'signed_in']));
  });
});
