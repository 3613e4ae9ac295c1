import type { BrowserContext, Page } from 'playwright-core';
import { afterEach, describe, expect, it } from 'vitest';
import type { MeetingSpec, MeetingView } from '../../fixtures/mock/client.js';
import { totpCode } from '../../src/account/totp.js';
import { useMockServer } from '../helpers/mockSuite.js';

// Google's account pages and Meet's walls as the mock serves them, driven with plain Playwright (no adapter): the
// sign-in steps and their refusals, the session cookie and its rotation, the signed-in pre-join, and the walls a
// guest meets (sign-in page, hard block, the second queue).

const { client, newContext } = useMockServer({ browser: true });
const contexts: BrowserContext[] = [];

afterEach(async () => {
  await Promise.all(contexts.splice(0).map((c) => c.close()));
});

const SECRET = 'JBSWY3DPEHPK3PXPJBSWY3DP';
const ADA = { email: 'ada@example.com', password: 'correct horse 1', name: 'Ada Lovelace' };
const NAME = 'input[aria-label="Your name"]';
const CTA = 'button[jsname]:not([aria-label]):has(span[jsname="V67aGc"])';

async function newPage(): Promise<{ page: Page; context: BrowserContext }> {
  const context = await newContext({ viewport: { width: 1280, height: 720 }, locale: 'en-US', permissions: ['camera', 'microphone'] });
  contexts.push(context);
  return { page: await context.newPage(), context };
}

async function meeting(spec: Omit<MeetingSpec, 'platform'> = {}) {
  return client.createMeeting({ platform: 'google_meet', waiting_room: false, google_accounts: [ADA], ...spec });
}

function accountEvents(view: MeetingView): Record<string, unknown>[] {
  return view.events.filter((e) => e.source === 'account').map((e) => ({ type: e.type, ...e.detail }));
}

/** The meeting's "Sign in" link, then the email page. */
async function toIdentifier(page: Page, joinUrl: string) {
  await page.goto(joinUrl);
  await page.locator('a.sign-in', { hasText: 'Sign in' }).click();
  await page.waitForURL(/\/accounts\.google\.com\/v3\/signin\/identifier\?/);
  // What the adapter and Attendee read as Google's sign-in page: an h1 "Sign in" whose parent names the Google Account.
  expect(await page.locator('h1:has-text("Sign in")').evaluate((h1) => h1.parentElement!.textContent)).toContain('your Google Account');
}

async function email(page: Page, address: string) {
  await page.fill('input#identifierId[type="email"][name="identifier"]', address);
  await page.click('#identifierNext button');
}

async function password(page: Page, text: string) {
  await page.fill('input[type="password"][name="Passwd"]', text);
  await page.click('#passwordNext button');
}

describe('Google accounts mock and the Meet walls', () => {
  it('signs an account in with its password: HttpOnly session cookie, back to the meeting, signed-in pre-join under its name', async () => {
    const m = await meeting();
    const { page, context } = await newPage();
    await toIdentifier(page, m.join_url);
    await email(page, 'ADA@example.com');
    await page.waitForURL(/\/v3\/signin\/challenge\/pwd\?TL=/);
    await expect.poll(() => page.locator('#profileIdentifier').textContent()).toBe(ADA.email);
    await password(page, ADA.password);
    await page.waitForURL(m.join_url + '**');
    await page.locator(CTA).waitFor();
    expect(await page.locator(NAME).count()).toBe(0);
    expect(await page.locator('.joining-as').innerText()).toContain(ADA.name);
    expect(await page.getAttribute('a.account-chip', 'aria-label')).toBe(`Google Account: ${ADA.name} (${ADA.email})`);
    // The page's session was rotated before it showed: the cookie is another value than the one sign-in set.
    const view = await client.waitFor(m.id, (v) => accountEvents(v).some((e) => e.type === 'account_session_rotated'), 5000, 'the rotation');
    expect(accountEvents(view).map((e) => e.type)).toEqual(['account_identifier', 'account_signed_in', 'account_session_rotated']);
    const sid = (await context.cookies()).find((c) => c.name === 'SID')!;
    expect(sid).toMatchObject({ httpOnly: true, domain: '127.0.0.1' });
    expect(await page.evaluate(() => document.cookie)).not.toContain('SID');
    expect(JSON.stringify(view.events)).not.toContain(ADA.password);

    await page.locator(CTA).click();
    const joined = await client.waitFor(m.id, (v) => v.bot.status === 'admitted', 5000, 'admitted');
    expect(joined.joined_names).toEqual([ADA.name]);
    expect(joined.bot.account).toBe(ADA.email);

    // Another browser with that cookie only is signed in at once, and its page rotates the value in turn.
    const other = await newPage();
    await other.context.addCookies([sid]);
    await other.page.goto(m.join_url);
    await other.page.locator('a.account-chip').waitFor();
    expect((await other.context.cookies()).find((c) => c.name === 'SID')!.value).not.toBe(sid.value);
  });

  it('refuses an unknown email and a wrong password with Google’s texts, on the same page', async () => {
    const m = await meeting();
    const { page } = await newPage();
    await toIdentifier(page, m.join_url);
    await email(page, 'nobody@example.com');
    await expect.poll(() => page.locator('[jsname="B34EJ"]').textContent()).toBe('Couldn’t find your Google Account');
    expect(await page.getAttribute('#identifierId', 'aria-invalid')).toBe('true');
    await email(page, ADA.email);
    await page.waitForURL(/challenge\/pwd/);
    await password(page, 'wrong');
    await expect.poll(() => page.locator('[jsname="B34EJ"]').textContent()).toBe('Wrong password. Try again or click Forgot password to reset it.');
    expect(page.url()).toContain('/challenge/pwd');
    expect(accountEvents(await client.get(m.id))).toEqual([
      { type: 'account_rejected', email: 'nobody@example.com', reason: 'unknown_email' },
      { type: 'account_identifier', email: ADA.email },
      { type: 'account_rejected', email: ADA.email, reason: 'wrong_password' },
    ]);
  });

  it('asks "Verify it’s you" (recovery email), 2-Step Verification (authenticator code) and a captcha that never passes', async () => {
    const accounts = [
      { email: 'rec@example.com', password: 'pw-rec-1', name: 'Rec Account', challenge: 'recovery_email', recovery_email: 'backup@example.org' },
      { email: 'tfa@example.com', password: 'pw-tfa-1', name: 'Tfa Account', challenge: 'two_step', totp_secret: SECRET },
      { email: 'cap@example.com', password: 'pw-cap-1', name: 'Cap Account', challenge: 'captcha' },
    ] as const;
    const m = await meeting({ google_accounts: [...accounts] });
    const rec = (await newPage()).page;
    await toIdentifier(rec, m.join_url);
    await email(rec, accounts[0].email);
    await rec.waitForURL(/challenge\/pwd/);
    await password(rec, accounts[0].password);
    await rec.waitForURL(/challenge\/selection/);
    expect(await rec.locator('h1').innerText()).toBe('Verify it’s you');
    await rec.click('[data-challengetype="12"][data-action="selectchallenge"]:has-text("Confirm your recovery email")');
    await rec.waitForURL(/challenge\/kpe/);
    expect(await rec.locator('p').innerText()).toContain('ba••••@example.org');
    await rec.fill('#knowledge-preregistered-email-response', 'wrong@example.org');
    await rec.press('#knowledge-preregistered-email-response', 'Enter');
    await expect.poll(() => rec.locator('[jsname="B34EJ"]').textContent()).toBe('The email you entered is incorrect. Try again.');
    await rec.fill('#knowledge-preregistered-email-response', 'BACKUP@example.org');
    await rec.click('#idvpreregisteredemailNext button');
    await rec.locator('a.account-chip').waitFor();

    const tfa = (await newPage()).page;
    await toIdentifier(tfa, m.join_url);
    await email(tfa, accounts[1].email);
    await tfa.waitForURL(/challenge\/pwd/);
    await password(tfa, accounts[1].password);
    await tfa.waitForURL(/challenge\/totp/);
    expect(await tfa.locator('h1').innerText()).toBe('2-Step Verification');
    expect(await tfa.locator('body').innerText()).toContain('Get a verification code from the Google Authenticator app');
    await tfa.fill('input#totpPin[name="totpPin"]', '000000');
    await tfa.click('#totpNext button');
    await expect.poll(() => tfa.locator('[jsname="B34EJ"]').textContent()).toBe('Wrong code. Try again.');
    await tfa.fill('#totpPin', totpCode(SECRET));
    await tfa.click('#totpNext button');
    await tfa.locator('a.account-chip').waitFor();

    const cap = (await newPage()).page;
    await toIdentifier(cap, m.join_url);
    await email(cap, accounts[2].email);
    await cap.locator('input[aria-label="Type the text you hear or see"]').fill('w4rpzq');
    expect(await cap.locator('#captchaimg').count()).toBe(1);
    await cap.click('#identifierNext button');
    await expect.poll(() => cap.locator('[jsname="B34EJ"]').textContent()).toBe('Please enter the characters you see in the image above');

    const types = accountEvents(await client.get(m.id)).map((e) => [e.type, e.kind ?? e.reason ?? e.via].join(':'));
    expect(types).toEqual(expect.arrayContaining([
      'account_challenge:verify_its_you', 'account_challenge:recovery_email', 'account_rejected:wrong_recovery_email', 'account_signed_in:recovery_email',
      'account_challenge:two_step', 'account_rejected:wrong_code', 'account_signed_in:two_step',
      'account_challenge:captcha', 'account_rejected:captcha',
    ]));
  });

  it('walls a guest: the sign-in page, the hard block, and the second queue dropping the knock to the marketing page', async () => {
    const [signIn, hard, queue] = await Promise.all([
      meeting({ ui_variant: { meet_guest_wall: 'sign_in' } }),
      meeting({ ui_variant: { meet_guest_wall: 'hard_block' } }),
      meeting({ ui_variant: { meet_second_queue_drop_ms: 300 } }),
    ]);
    const a = (await newPage()).page;
    await a.goto(signIn.join_url);
    await a.waitForURL(/\/accounts\.google\.com\/v3\/signin\/identifier\?.*continue=/);
    expect(new URL(a.url()).searchParams.get('continue')).toBe(signIn.join_url);

    const b = (await newPage()).page;
    await b.goto(hard.join_url);
    await expect.poll(() => b.locator('h1').textContent()).toBe('You can’t join this video call');
    expect(await b.locator('body').innerText()).toContain('No one can join unless invited or admitted by the host');
    expect(await b.locator('input').count()).toBe(0);
    expect((await client.get(hard.id)).bot.status).toBe('guest_refused');
    // Signed in, the same meetings let the account in.
    await b.click('a.sign-in');
    await email(b, ADA.email);
    await b.waitForURL(/challenge\/pwd/);
    await password(b, ADA.password);
    await b.locator('a.account-chip').waitFor();
    expect((await client.get(hard.id)).bot.status).toBe('prejoin');

    const c = (await newPage()).page;
    await c.goto(queue.join_url);
    await c.fill(NAME, 'Guest Bot');
    await c.locator(CTA).click();
    await c.waitForURL(/^http:\/\/localhost:\d+\/mock\/meet\/home\.html$/, { timeout: 5000 });
    const dropped = await client.get(queue.id);
    expect(dropped.events.map((e) => e.type)).toEqual(expect.arrayContaining(['bot_knocking', 'bot_dropped']));
    expect(dropped.joined_names).toEqual(['Guest Bot']);
  });
});
