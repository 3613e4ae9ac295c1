import { describe, expect, it } from 'vitest';
import { parseBotConfig } from '../../src/config/normalize.js';

const TEAMS = 'https://teams.microsoft.com/meet/27101570297097?p=Secret42';

function parsed(body: Record<string, unknown>) {
  const result = parseBotConfig(body);
  if (!result.ok) throw new Error(`expected a valid body, got ${JSON.stringify(result.errors)}`);
  return result;
}

describe('Microsoft Teams bodies', () => {
  it('a Recall body with a Teams link and the web variant joins Teams, with no warning', () => {
    const r = parsed({ meeting_url: TEAMS, variant: { microsoft_teams: 'web' } });
    expect(r.warnings).toEqual([]);
    expect(r.spec.meeting).toMatchObject({
      platform: 'microsoft_teams',
      join_url: TEAMS,
      password: 'Secret42',
      recall_shape: { meeting_id: '27101570297097', business_meeting_id: '27101570297097', platform: 'microsoft_teams' },
    });
  });

  it('Attendee teams_settings for an anonymous bot are accepted without a warning', () => {
    const r = parsed({ meeting_url: TEAMS, bot_name: 'Notetaker', teams_settings: { use_login: false } });
    expect(r.spec.source_api).toBe('attendee');
    expect(r.warnings).toEqual([]);
  });

  it('a signed-in Teams bot (use_login) signs in with its login group, by default always', () => {
    const r = parsed({ meeting_url: TEAMS, bot_name: 'Notetaker', teams_settings: { use_login: true, login_group_name: 'bots' } });
    expect(r.warnings).toEqual([]);
    expect(r.spec.sign_in).toEqual({ mode: 'always', group: 'bots' });
    const onlyIfRequired = parsed({ meeting_url: TEAMS, bot_name: 'N', teams_settings: { use_login: true, login_mode: 'only_if_required' } });
    expect(onlyIfRequired.spec.sign_in).toEqual({ mode: 'only_if_required', group: null });
    expect(parsed({ meeting_url: TEAMS, bot_name: 'N', teams_settings: { use_login: false } }).spec.sign_in).toBeNull();
  });

  it('--platform microsoft_teams takes a loopback mock meeting', () => {
    const r = parseBotConfig({ meeting_url: 'http://127.0.0.1:9004/meet/27101570297097?p=Secret42' }, { allowLoopback: true, platform: 'microsoft_teams' });
    expect(r.ok && r.spec.meeting.join_url).toBe('http://127.0.0.1:9004/meet/27101570297097?p=Secret42');
  });
});
