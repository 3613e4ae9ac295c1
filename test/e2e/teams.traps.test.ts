import { describe, expect, it } from 'vitest';
import type { MeetingSpec, MeetingView } from '../../fixtures/mock/client.js';
import { useMockServer } from '../helpers/mockSuite.js';
import type { BotProcess } from '../helpers/botProcess.js';

// The Teams traps peers met (shared/reference/teams.md 2-3, 6.2), each a scenario of the mock: gates that end the
// bot with Recall's Teams sub_codes, the lobby that falls back to the pre-join, the launcher's data-tid form with
// the AV modal before the pre-join, the hop to the full client after admission, chat closed to guests, and a
// participant whose chat message reads like Teams' removal screen.

const { client, startBot } = useMockServer();

const ALICE = { name: 'Alice Example', color: '#c0392b', tone_hz: 440 };
const BOT_NAME = 'Acme Notetaker';

/** Short redirect hops: the redirect storm's empty DOM (2.5 s a hop by default) is teams.test.ts's trap, not these. */
function meeting(spec: Partial<MeetingSpec> = {}) {
  return client.createMeeting({ platform: 'microsoft_teams', participants: [ALICE], ...spec, ui_variant: { teams_redirect_ms: 300, ...spec.ui_variant } });
}

function bot(url: string, body: Record<string, unknown> = {}): BotProcess {
  return startBot({ url, platform: 'microsoft_teams', body: { bot_name: BOT_NAME, ...body } });
}

const types = (view: MeetingView) => view.events.map((e) => e.type);

/** Ends fatal with `subCode`, exit code 1, and the meeting never had the bot in it. */
async function expectRefused(spec: Partial<MeetingSpec>, subCode: string, seen: string): Promise<void> {
  const m = await meeting(spec);
  const b = bot(m.join_url);
  expect((await b.waitForStatus('fatal', 90_000)).sub_code).toBe(subCode);
  expect((await b.exited).code).toBe(1);
  const view = await client.get(m.id);
  expect(types(view)).toContain(seen);
  expect(view.bot.status).not.toBe('admitted');
  expect(b.codes).not.toContain('in_call_not_recording');
}

describe('microsoft_teams adapter: the traps of the real client', () => {
  describe.concurrent('gates and links that refuse an anonymous bot', () => {
    it('a captcha after Join now ends microsoft_teams_captcha_detected', () => expectRefused({ blocked: true }, 'microsoft_teams_captcha_detected', 'captcha_shown'));
    it('a bounce to Microsoft sign-in ends microsoft_teams_sign_in_credentials_missing', () =>
      expectRefused({ ui_variant: { teams_gate: 'sign_in_redirect' } }, 'microsoft_teams_sign_in_credentials_missing', 'sign_in_redirect'));
    it('"We need to verify your info" over the pre-join ends microsoft_teams_sign_in_credentials_missing', () =>
      expectRefused({ ui_variant: { teams_gate: 'verify_info' } }, 'microsoft_teams_sign_in_credentials_missing', 'sign_in_required'));
    it('an event closed to externals before it starts ends microsoft_teams_event_not_started_for_external', () =>
      expectRefused({ ui_variant: { teams_gate: 'event_not_started' } }, 'microsoft_teams_event_not_started_for_external', 'event_not_started'));
  });

  // Between the two groups (vitest runs adjacent concurrent suites together): at most four bots at once.
  it('a link Teams calls incorrect ends meeting_not_found', async () => {
    const m = await meeting({ not_found: true });
    const b = bot(m.join_url);
    expect((await b.waitForStatus('fatal', 90_000)).sub_code).toBe('meeting_not_found');
    expect((await client.get(m.id)).joined_names).toEqual([]);
  });

  // Two runs that spend most of their time waiting on the meeting (a lobby reset and a denial; a hop, a closed chat and
  // a removal text that must change nothing) side by side; neither is timed tighter than a load allows. The tests here
  // use the global expect: a failed assertion throws into the test that awaited it, and none uses snapshots or
  // expect.assertions.
  describe.concurrent('detours through the client', () => {
    it('the "Use the web app instead" launcher, the AV modal before the pre-join, a reload into the full client mid-form, a lobby that falls back to the pre-join: joins again, muted, then is denied', async () => {
      const m = await meeting({
        ui_variant: {
          teams_launcher: 'join_on_web_tid',
          teams_av_modal: 'before_prejoin',
          teams_light_reload: true,
          teams_lobby_text: 'Someone in the meeting should let you in soon',
          teams_lobby_reset_ms: 3000,
        },
      });
      const b = bot(m.join_url);
      await b.waitForStatus('in_waiting_room', 60_000);
      // The lobby reset puts the pre-join back with Join now usable: the bot clicks it again and knocks again.
      const again = await client.waitFor(m.id, (v) => v.events.filter((e) => e.type === 'join_clicked').length >= 2 && v.bot.status === 'knocking', 30_000, 'a second knock');
      expect(types(again)).toEqual(expect.arrayContaining(['launcher_continue', 'av_modal_dismissed', 'light_reload', 'lobby_reset_shown']));
      // The reloaded form started over (empty name, live devices): every join went with the name, muted, no camera.
      const joins = again.events.filter((e) => e.type === 'join_clicked').map((e) => e.detail);
      for (const j of joins) expect(j).toMatchObject({ name: BOT_NAME, mic: false, camera: false });
      expect(b.codes).not.toContain('in_call_not_recording');
      await client.deny(m.id);
      expect((await b.waitForStatus('call_ended', 20_000)).sub_code).toBe('bot_kicked_from_waiting_room');
      expect((await b.exited).code).toBe(0);
    });

    it('stays through the hop to the full client, a chat closed to guests and a participant typing the removal text; leaves by hangup on SIGTERM', async () => {
      const m = await meeting({ waiting_room: false, ui_variant: { teams_hop_ms: 3000, teams_chat: 'disabled' } });
      const b = bot(m.join_url, { chat: { on_bot_join: { send_to: 'everyone', message: 'This meeting is recorded.' } } });
      await b.waitForStatus('in_call_recording', 60_000);
      await client.waitFor(m.id, (v) => v.events.some((e) => e.type === 'page_hop_resumed'), 20_000, 'the hop');
      // Chat closed to guests: the join message is not sent, and the bot says so without leaving.
      const warning = await b.waitForEvent((e) => e.event === 'bot.warning', 30_000);
      expect(warning).toMatchObject({ kind: 'chat_not_sent', message: expect.stringContaining('closed to guests') });
      await client.chat(m.id, ALICE.name, 'You’ve been removed from this meeting, just kidding');
      await new Promise((r) => setTimeout(r, 4000));
      expect(b.codes).not.toContain('call_ended');
      const view = await client.get(m.id);
      expect(view.chat_received).toEqual([]);
      expect(view.events.filter((e) => e.type === 'page_hop')).toHaveLength(1);

      expect((await b.stop('SIGTERM')).code).toBe(0);
      expect(b.statuses.at(-2)).toMatchObject({ code: 'call_ended', sub_code: 'bot_received_leave_call' });
      const after = await client.get(m.id);
      expect(after.bot.status).toBe('left');
      expect(types(after)).toContain('hangup');
    });
  });
});
