import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { initialPreferences, writeInitialPreferences } from '../../src/browser/profilePrefs.js';

describe('initial Chromium preferences', () => {
  it('allows the platform app schemes for the meeting origin only, and keeps the password manager off', () => {
    expect(initialPreferences({ origin: 'https://acme.webex.com', schemes: ['webex'] })).toEqual({
      protocol_handler: { allowed_origin_protocol_pairs: { 'https://acme.webex.com': { webex: true } } },
      credentials_enable_service: false,
      profile: { password_manager_enabled: false },
    });
  });

  it('writes the password manager off even when no scheme is needed', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'prefs-'));
    await writeInitialPreferences(dir, initialPreferences({ origin: 'https://meet.google.com', schemes: [] }));
    const written = JSON.parse(readFileSync(join(dir, 'Default', 'Preferences'), 'utf8')) as Record<string, unknown>;
    expect(written).toEqual({ credentials_enable_service: false, profile: { password_manager_enabled: false } });
    await writeInitialPreferences(dir, initialPreferences({ origin: 'https://x.webex.com', schemes: ['webex'] }));
    expect(JSON.parse(readFileSync(join(dir, 'Default', 'Preferences'), 'utf8'))).toHaveProperty('protocol_handler');
  });
});
