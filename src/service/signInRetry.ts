import type { AccountPlatform } from '../account/credential.js';
import type { BotRecords } from './botRecords.js';
import type { Db } from './db/db.js';
import type { LoginGroups } from './loginGroups.js';
import { botById, planSignInRetry, type BotRow, type BotSignIn } from './store/bots.js';
import { statusOf } from './store/events.js';

/**
 * Walls a signed-out bot can meet that a signed-in one gets past: the meeting refuses guests, Google blocks or
 * drops a guest's knock, Teams demands an account or a captcha of guests (docs/events.md). The runtime never
 * retries them; the service launches such a bot once more, signed in, when its project has a credential.
 */
export const SIGN_IN_WALLS: ReadonlySet<string> = new Set([
  'google_meet_bot_blocked',
  'google_meet_join_request_dropped',
  'meeting_requires_sign_in',
  'microsoft_teams_sign_in_credentials_missing',
  'microsoft_teams_captcha_detected',
]);

/** The event that records the retry in the first run's place (docs/api.md): not a status, so no webhook. */
export const SIGN_IN_RETRY_EVENT = 'bot.sign_in_retry';

/** How this run of the bot signs in: as its body asks, or `always` with its group (else the default) on the retry. */
export function runSignIn(bot: Pick<BotRow, 'sign_in' | 'run'>): BotSignIn | null {
  return bot.run > 1 ? { mode: 'always', group_id: bot.sign_in?.group_id ?? null } : bot.sign_in;
}

/** The meeting's platform when a bot on it can sign in (Google Meet, Teams), else null. */
export function accountPlatform(bot: Pick<BotRow, 'meeting'>): AccountPlatform | null {
  const platform = bot.meeting.platform;
  return platform === 'google_meet' || platform === 'microsoft_teams' ? platform : null;
}

/**
 * Holds back the `fatal` of a signed-out first run stopped by a wall when a signed-in run can follow: it is
 * recorded as a `bot.sign_in_retry` event naming the wall (status stays `joining_call`, no webhook, no terminal
 * status) and the bot is marked for its second run, which the runner launches once the first has exited.
 */
export class SignInRetry {
  constructor(
    private readonly db: Db,
    private readonly groups: LoginGroups,
    private readonly records: BotRecords,
  ) {}

  /** True when the event was taken as the retry (and recorded so); false: record it as usual. */
  async hold(botId: string, seq: number, event: Record<string, unknown> & { event: string; created_at: string }): Promise<boolean> {
    const wall = statusOf(event) === 'fatal' && typeof event.sub_code === 'string' && SIGN_IN_WALLS.has(event.sub_code) ? event.sub_code : null;
    if (!wall) return false;
    const bot = await botById(this.db, botId);
    const platform = bot ? accountPlatform(bot) : null;
    if (!bot?.live || bot.run !== 1 || bot.sign_in !== null || !platform) return false;
    if (!(await this.groups.usable(bot.project_id, platform))) return false;
    if (!(await planSignInRetry(this.db, botId, wall))) return false;
    await this.records.record(botId, seq, {
      event: SIGN_IN_RETRY_EVENT,
      code: 'joining_call',
      sub_code: wall,
      created_at: event.created_at,
      detail: { message: `the meeting stopped the signed-out bot (${wall}); it joins again, signed in with the project's login group` },
    });
    return true;
  }
}
