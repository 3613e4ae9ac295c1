import type { MockClient, MicrosoftAccountSpec } from '../../fixtures/mock/client.js';
import type { StartBotOptions } from './botProcess.js';

/** An authenticator secret of the Teams mock's accounts (base32). */
export const TOTP_SECRET = 'KRSXG5CTMVRXEZLUKRSXG5CTMVRXEZLU';

let accounts = 0;

/** A new Microsoft account of the Teams mock, with a password of its own. */
export async function microsoftAccount(client: MockClient, spec: Partial<MicrosoftAccountSpec> = {}): Promise<MicrosoftAccountSpec> {
  const n = ++accounts;
  const full = { email: `notetaker${n}.${process.pid}@contoso.example`, password: `Correct-Horse-${n}-${process.pid}`, display_name: `Contoso Notetaker ${n}`, ...spec };
  await client.createMicrosoftAccount(full);
  return full;
}

/** A signed-in Teams bot: Attendee's teams_settings and `--credential FILE` (null: no credential at all). */
export function signedInTeamsBot(url: string, mode: 'always' | 'only_if_required', file: string | null): StartBotOptions {
  return {
    url,
    platform: 'microsoft_teams',
    body: { bot_name: 'Acme Notetaker', teams_settings: { use_login: true, login_mode: mode }, recording_config: { video_mixed_mp4: null } },
    args: file ? ['--credential', file] : [],
  };
}
