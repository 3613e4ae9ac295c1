import { describe, expect, it } from 'vitest';
import type { MeetingView } from '../../fixtures/mock/client.js';
import { useMockServer } from '../helpers/mockSuite.js';
import { cookie, credentialFile, expectNoSecrets, readCredential } from '../helpers/signedInBots.js';

// Signed-in Meet bots (issue 19), the real bot against the Meet mock and its imitation of Google's account pages:
// a password sign-in and the session written back, that session reused by another bot, Google's challenges
// answered (recovery email, authenticator code), and `only_if_required` signing in only at a wall.

const { client, startBot } = useMockServer();

const ALICE = { name: 'Alice Example', color: '#c0392b', tone_hz: 440 };
const SECRET = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';
const ADA = { email: 'ada@example.com', password: 'Tr0ub4dor&3 horse', name: 'Ada Lovelace' };
const REC = { email: 'rec@example.com', password: 'rec-pass-9931', name: 'Grace Hopper', challenge: 'recovery_email', recovery_email: 'backup@example.org' } as const;
const TFA = { email: 'tfa@example.com', password: 'tfa-pass-4410', name: 'Katherine Johnson', challenge: 'two_step', totp_secret: SECRET } as const;
/** Recall's `google_meet.login_required` (sign in always) and Attendee's `use_login` with `only_if_required`. */
const ALWAYS = { google_meet: { login_required: true }, recording_config: { video_mixed_layout: 'audio_only' } };
const IF_REQUIRED = { google_meet_settings: { use_login: true, login_mode: 'only_if_required' }, recording_config: { video_mixed_layout: 'audio_only' } };

function meeting(spec: Record<string, unknown> = {}) {
  return client.createMeeting({ platform: 'google_meet', waiting_room: false, participants: [ALICE], google_accounts: [ADA, REC, TFA], ...spec });
}

function signedInBot(url: string, file: string, body: Record<string, unknown> = ALWAYS) {
  return startBot({ url, platform: 'google_meet', body, args: ['--credential', file] });
}

function accountEvents(view: MeetingView): string[] {
  return view.events.filter((e) => e.source === 'account').map((e) => [e.type, e.detail?.via ?? e.detail?.kind].filter(Boolean).join(':'));
}

describe('google_meet signed in', () => {
  it('signs in with the password, joins under the account’s name, writes the rotated session back; a second bot reuses it without a password', async () => {
    const [first, second] = await Promise.all([meeting(), meeting()]);
    const file1 = credentialFile({ platform: 'google_meet', email: ADA.email, password: ADA.password });
    const b1 = signedInBot(first.join_url, file1);
    await b1.waitForStatus('in_call_recording', 60_000);
    const view1 = await client.get(first.id);
    expect(view1.joined_names).toEqual([ADA.name]);
    expect(view1.bot.account).toBe(ADA.email);
    expect(accountEvents(view1)).toEqual(['account_identifier', 'account_signed_in:password', 'account_session_rotated']);
    expect(await b1.stop('SIGTERM')).toEqual({ code: 0, signal: null });
    const saved = readCredential(file1);
    expect(saved.mode).toBe(0o600);
    expect(saved.password).toBe(ADA.password);
    const sid1 = cookie(saved, 'SID');
    expect(sid1).toBeDefined();

    // Bot 2 holds only the saved session: it is signed in from the start, and writes the rotated value back.
    const file2 = credentialFile({ platform: 'google_meet', storage_state: saved.storage_state });
    const b2 = signedInBot(second.join_url, file2);
    await b2.waitForStatus('in_call_recording', 60_000);
    const view2 = await client.get(second.id);
    expect(view2.joined_names).toEqual([ADA.name]);
    expect(accountEvents(view2)).toEqual(['account_session_rotated']);
    expect(view2.events.some((e) => e.type === 'account_identifier')).toBe(false);
    expect(await b2.stop('SIGTERM')).toEqual({ code: 0, signal: null });
    const resaved = readCredential(file2);
    expect(resaved.mode).toBe(0o600);
    expect(resaved.password).toBeUndefined();
    expect(cookie(resaved, 'SID')).toBeDefined();
    expect(cookie(resaved, 'SID')).not.toBe(sid1);
    expect(readCredential(file1).saved_at).toBeDefined();

    for (const b of [b1, b2]) expectNoSecrets(b, [ADA.password, sid1!, cookie(resaved, 'SID')!]);
  });

  it('answers Google’s challenges: "Verify it’s you" with the recovery email, 2-Step Verification with the authenticator code', async () => {
    const [rec, tfa] = await Promise.all([meeting(), meeting()]);
    const bRec = signedInBot(rec.join_url, credentialFile({ platform: 'google_meet', email: REC.email, password: REC.password, recovery_email: REC.recovery_email }));
    const bTfa = signedInBot(tfa.join_url, credentialFile({ platform: 'google_meet', email: TFA.email, password: TFA.password, totp_secret: SECRET }));
    for (const b of [bRec, bTfa]) await b.waitForStatus('in_call_recording', 60_000);
    const [vRec, vTfa] = await Promise.all([client.get(rec.id), client.get(tfa.id)]);
    expect(vRec.joined_names).toEqual([REC.name]);
    expect(accountEvents(vRec)).toEqual(['account_identifier', 'account_challenge:verify_its_you', 'account_challenge:recovery_email', 'account_signed_in:recovery_email', 'account_session_rotated']);
    expect(vTfa.joined_names).toEqual([TFA.name]);
    expect(accountEvents(vTfa)).toEqual(['account_identifier', 'account_challenge:two_step', 'account_signed_in:two_step', 'account_session_rotated']);
    for (const b of [bRec, bTfa]) expect(await b.stop('SIGTERM')).toEqual({ code: 0, signal: null });
    expectNoSecrets(bRec, [REC.password]);
    expectNoSecrets(bTfa, [TFA.password, SECRET]);
  });

  it('only_if_required: a guest where Meet lets guests in, signed in at the sign-in page and the hard block; an expired session falls back to the password', async () => {
    const [open, walled, blocked, expired] = await Promise.all([
      meeting(),
      meeting({ ui_variant: { meet_guest_wall: 'sign_in' } }),
      meeting({ ui_variant: { meet_guest_wall: 'hard_block' } }),
      meeting(),
    ]);
    const credential = { platform: 'google_meet', email: ADA.email, password: ADA.password };
    const stale = { name: 'SID', value: 'expired-session-value-8813', domain: '127.0.0.1', path: '/', expires: -1, httpOnly: true, secure: false, sameSite: 'Lax' };
    const expiredFile = credentialFile({ ...credential, storage_state: { cookies: [stale], origins: [] } });
    const guest = startBot({ url: open.join_url, platform: 'google_meet', body: { ...IF_REQUIRED, bot_name: 'Guest Notetaker' }, args: ['--credential', credentialFile(credential)] });
    const bots = [guest, signedInBot(walled.join_url, credentialFile(credential), IF_REQUIRED), signedInBot(blocked.join_url, credentialFile(credential), IF_REQUIRED), signedInBot(expired.join_url, expiredFile)];
    for (const b of bots) await b.waitForStatus('in_call_recording', 60_000);
    const [vOpen, vWalled, vBlocked, vExpired] = await Promise.all([client.get(open.id), client.get(walled.id), client.get(blocked.id), client.get(expired.id)]);
    expect(vOpen.joined_names).toEqual(['Guest Notetaker']);
    expect(vOpen.bot.account).toBeNull();
    expect(accountEvents(vOpen)).toEqual([]);
    expect(vWalled.events.map((e) => e.type)).toEqual(expect.arrayContaining(['bot_sign_in_required', 'account_signed_in', 'account_session_rotated']));
    expect(vBlocked.events.map((e) => e.type)).toEqual(expect.arrayContaining(['bot_guest_refused', 'account_signed_in', 'account_session_rotated']));
    // The saved session no longer signs in: Meet shows the guest form, and the bot signs in with its password.
    expect(vExpired.events.map((e) => e.type)).toEqual(expect.arrayContaining(['bot_prejoin', 'account_signed_in', 'account_session_rotated']));
    for (const v of [vWalled, vBlocked, vExpired]) expect(v.joined_names).toEqual([ADA.name]);
    for (const b of bots) expect(await b.stop('SIGTERM')).toEqual({ code: 0, signal: null });
    expect(cookie(readCredential(expiredFile), 'SID')).not.toBe(stale.value);
  });
});
