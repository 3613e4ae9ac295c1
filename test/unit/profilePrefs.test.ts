import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { initialPreferences, writeInitialPreferences } from '../../src/browser/profilePrefs.js';

describe('initial Chromium preferences', () => {
  it('allows the platform app schemes for the meeting origin only', () => {
    expect(initialPreferences({ origin: 'https://acme.webex.com', schemes: ['webex'] })).toEqual({
      protocol_handler: { allowed_origin_protocol_pairs: { 'https://acme.webex.com': { webex: true } } },
    });
  });

  it('writes nothing when no scheme is needed', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'prefs-'));
    await writeInitialPreferences(dir, initialPreferences({ origin: 'https://meet.google.com', schemes: [] }));
    expect(existsSync(join(dir, 'Default', 'Preferences'))).toBe(false);
    await writeInitialPreferences(dir, initialPreferences({ origin: 'https://x.webex.com', schemes: ['webex'] }));
    expect(JSON.parse(readFileSync(join(dir, 'Default', 'Preferences'), 'utf8'))).toHaveProperty('protocol_handler');
  });
});
