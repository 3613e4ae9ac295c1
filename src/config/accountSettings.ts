import type { Platform, SignInSpec, ZoomAuthSpec } from './botSpec.js';
import type { UnsupportedField } from './errors.js';
import type { BotConfig } from './schema.js';

/**
 * Which account a bot signs in with, from either API (bot-api.md 2.1 and 2.3):
 * - Recall `google_meet.login_required: true` signs in always; `google_login_group_id` names the login group
 *   (it overrides login_required, as in Recall).
 * - Attendee `google_meet_settings` / `teams_settings` `{use_login, login_mode, login_group_name}`.
 * Settings for another platform than the meeting's have nothing to act on (reported by unsupported.ts).
 */
export function signInOf(body: BotConfig, platform: Platform): SignInSpec | null {
  if (platform === 'google_meet') {
    const group = body.google_meet?.google_login_group_id ?? null;
    if (group) return { mode: 'always', group };
    if (body.google_meet?.login_required === true) return { mode: 'always', group: null };
    return attendeeLogin(body.google_meet_settings);
  }
  if (platform === 'microsoft_teams') return attendeeLogin(body.teams_settings);
  return null;
}

function attendeeLogin(settings: { use_login?: boolean; login_mode?: 'always' | 'only_if_required'; login_group_name?: string | null } | undefined): SignInSpec | null {
  if (!settings?.use_login) return null;
  return { mode: settings.login_mode ?? 'always', group: settings.login_group_name ?? null };
}

/** Recall's `zoom.*_url` and Attendee's `callback_settings.zoom_tokens_url`, or null when the body has none. */
export function zoomAuthOf(body: BotConfig): ZoomAuthSpec | null {
  const auth: ZoomAuthSpec = {
    zak_url: body.zoom?.zak_url ?? null,
    join_token_url: body.zoom?.join_token_url ?? null,
    obf_token_url: body.zoom?.obf_token_url ?? null,
    tokens_callback_url: body.callback_settings?.zoom_tokens_url ?? null,
  };
  return Object.values(auth).some((v) => v !== null) ? auth : null;
}

/** Each platform's account settings, as body paths: given for a meeting on another platform, they do nothing. */
const PLATFORM_SETTINGS: Record<string, Platform> = {
  zoom: 'zoom',
  callback_settings: 'zoom',
  google_meet: 'google_meet',
  google_meet_settings: 'google_meet',
  teams_settings: 'microsoft_teams',
};

/** The account settings a body gives for another platform than its meeting's, each reported once by path. */
export function otherPlatformSettings(body: BotConfig, platform: Platform): UnsupportedField[] {
  const given = body as Record<string, unknown>;
  return Object.entries(PLATFORM_SETTINGS)
    .filter(([key, owner]) => owner !== platform && given[key] !== undefined && given[key] !== null)
    .flatMap(([key, owner]) => {
      const value = given[key];
      const entries = typeof value === 'object' && value !== null ? Object.entries(value) : [];
      const fields = entries.filter(([, v]) => v !== null && v !== undefined).map(([k]) => k);
      return fields.map((f) => ({ path: `${key}.${f}`, reason: `the meeting is not on ${owner}: its ${owner} settings are not used` }));
    });
}
