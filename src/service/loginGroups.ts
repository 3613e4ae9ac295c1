import { randomUUID } from 'node:crypto';
import { accountCredential, type AccountCredential, type AccountPlatform } from '../account/credential.js';
import type { BotSpec } from '../config/botSpec.js';
import type { Logger } from '../util/log.js';
import { ApiError } from './api/errors.js';
import type { CredentialCipher } from './credentialCipher.js';
import type { Db } from './db/db.js';
import { botById, type ApiShape, type BotSignIn } from './store/bots.js';
import {
  defaultLoginGroup,
  insertLoginGroup,
  loginGroupById,
  loginGroupsOf,
  storeSession,
  updateLoginGroup,
  type LoginGroupRow,
  type SealedCredential,
} from './store/loginGroups.js';

/** A group's credential as a bot gets it: the JSON text of MEETBOT_CREDENTIAL (account/loadCredential.ts). */
export interface RunCredential {
  groupId: string;
  credential: string;
}

const NO_KEY = 'this service has no credentials key: set MEETBOT_CREDENTIALS_KEY (32 bytes, base64) to store or use login credentials';

/**
 * A project's login groups: one stored account per group, sealed at rest under the operator's key and opened
 * only to hand it to the bot that signs in with it. What leaves this class in the clear is what
 * describeCredential() would say (the email, whether it holds a session or a password), never a secret.
 */
export class LoginGroups {
  constructor(
    private readonly db: Db,
    private readonly cipher: CredentialCipher | null,
    private readonly log: Logger,
  ) {}

  async create(projectId: string, group: { platform: AccountPlatform; name: string; isDefault: boolean; credential: AccountCredential }): Promise<LoginGroupRow> {
    const id = randomUUID();
    const row = await insertLoginGroup(this.db, { id, projectId, platform: group.platform, name: group.name, isDefault: group.isDefault, ...this.seal(group.credential, id) });
    if (row === 'name_taken') throw nameTaken(group.platform, group.name);
    return row;
  }

  async update(group: LoginGroupRow, changes: { name?: string; isDefault?: boolean; credential?: AccountCredential }): Promise<LoginGroupRow> {
    const row = await updateLoginGroup(this.db, group, {
      ...(changes.name !== undefined ? { name: changes.name } : {}),
      ...(changes.isDefault !== undefined ? { isDefault: changes.isDefault } : {}),
      ...(changes.credential ? { credential: this.seal(changes.credential, group.id) } : {}),
    });
    if (row === 'name_taken') throw nameTaken(group.platform, changes.name ?? group.name);
    return row;
  }

  /**
   * How a new bot signs in, the group it names checked: Recall names one by id (`google_meet.google_login_group_id`),
   * Attendee by name (`google_meet_settings` / `teams_settings` `.login_group_name`), for the meeting's platform. A
   * group that is not the project's, or is for another platform, is a 400 naming the field. No group named: the
   * project's default when the bot starts.
   */
  async signInFor(projectId: string, api: ApiShape, spec: Pick<BotSpec, 'sign_in' | 'meeting'>): Promise<BotSignIn | null> {
    const { sign_in: signIn } = spec;
    const platform = spec.meeting.platform;
    if (!signIn) return null;
    if (signIn.group === null) return { mode: signIn.mode, group_id: null };
    const named = api === 'recall' ? [await loginGroupById(this.db, projectId, signIn.group)] : (await loginGroupsOf(this.db, projectId)).filter((g) => g.name === signIn.group);
    const group = named.find((g) => g?.platform === platform);
    if (group) return { mode: signIn.mode, group_id: group.id };
    const other = named.find((g) => g !== null);
    const field = api === 'recall' ? 'google_meet.google_login_group_id' : `${platform === 'microsoft_teams' ? 'teams_settings' : 'google_meet_settings'}.login_group_name`;
    const reason = other
      ? `names a ${other.platform} login group; the meeting is on ${platform}`
      : api === 'recall'
        ? 'is not a login group of this project'
        : `no ${platform} login group of this project has this name`;
    throw new ApiError(400, 'unknown login group', [{ path: field, message: reason }]);
  }

  /** Whether a bot of the project on `platform` could be given a credential now (the signed-in retry asks). */
  async usable(projectId: string, platform: AccountPlatform): Promise<boolean> {
    return this.cipher !== null && (await defaultLoginGroup(this.db, projectId, platform)) !== null;
  }

  /**
   * The credential a run signs in with: the group it named, else the project's default for the platform; null
   * when there is none (a signed-in bot then ends with its missing-credential sub_code). Throws when the group's
   * credential cannot be opened (no key, another key): the launch fails and says why.
   */
  async forRun(projectId: string, platform: AccountPlatform, groupId: string | null): Promise<RunCredential | null> {
    const group = groupId ? await loginGroupById(this.db, projectId, groupId) : await defaultLoginGroup(this.db, projectId, platform);
    if (!group || group.platform !== platform) return null;
    if (!this.cipher) throw new Error(NO_KEY);
    return { groupId: group.id, credential: this.cipher.open(group.sealed_credential, group.id) };
  }

  /**
   * A session a bot wrote back: stored into the group that bot was given (the session and its saved_at only;
   * the account stays the operator's), unless it is for another platform, older than the stored one, or the
   * operator replaced the credential since the bot started. Refusals are logged without the credential.
   */
  async writeBack(botId: string, reported: Record<string, unknown>): Promise<void> {
    const bot = await botById(this.db, botId);
    const group = bot?.login_group_id ? await loginGroupById(this.db, bot.project_id, bot.login_group_id) : null;
    const parsed = accountCredential.safeParse(reported);
    const refuse = (why: string, fields: Record<string, unknown> = {}) => this.log.warn(`dropped a session a bot wrote back: ${why}`, { bot_id: botId, ...fields });
    if (!bot?.launched_at || !group || !this.cipher) return refuse('the bot was given no login group, or it is gone');
    if (!parsed.success) return refuse('it is not a credential', { field: parsed.error.issues[0]?.path.join('.') || '(credential)' });
    if (parsed.data.platform !== group.platform) return refuse('it is for another platform than its login group', { platform: parsed.data.platform, login_group_id: group.id, group_platform: group.platform });
    if (!parsed.data.storage_state) return refuse('it holds no session', { login_group_id: group.id });
    const current = JSON.parse(this.cipher.open(group.sealed_credential, group.id)) as AccountCredential;
    const updated: AccountCredential = { ...current, storage_state: parsed.data.storage_state, saved_at: parsed.data.saved_at ?? new Date().toISOString() };
    const stored = await storeSession(this.db, group.id, this.seal(updated, group.id), bot.launched_at);
    this.log.info(stored ? 'stored a session a bot wrote back' : 'kept the stored session (newer, or set by the operator since the bot started)', { bot_id: botId, login_group_id: group.id, saved_at: updated.saved_at });
  }

  private seal(credential: AccountCredential, groupId: string): SealedCredential {
    if (!this.cipher) throw new ApiError(503, NO_KEY);
    return {
      sealed_credential: this.cipher.seal(JSON.stringify(credential), groupId),
      email: credential.email ?? null,
      has_session: credential.storage_state !== undefined,
      has_password: credential.password !== undefined,
      saved_at: credential.saved_at ? new Date(credential.saved_at) : null,
    };
  }
}

function nameTaken(platform: AccountPlatform, name: string): ApiError {
  return new ApiError(400, 'name already in use', [{ path: 'name', message: `this project already has a ${platform} login group named ${JSON.stringify(name)}` }]);
}
