import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCliCapturing } from '../helpers/cliRun.js';

// The CLI's side of the service: `join --api` (how the service says which API a body was sent to), and the
// usage errors of `serve` and `keys create`, each naming its flag, before anything is opened or started.

function cli(args: string[], env: NodeJS.ProcessEnv = {}) {
  return runCliCapturing(args.map((a) => a.replace('<dir>', '<out>')), env);
}

const BODY = JSON.stringify({ meeting_url: 'https://meet.google.com/abc-defg-hij', bot_name: 'My Bot' });

describe('the CLI and the service', () => {
  it("join --api gives the body its API's defaults, and refuses the other API's fields", async () => {
    expect((await cli(['join', '--out', '<dir>', '--api', 'attendee'], { BOT_CONFIG: BODY })).spec?.source_api).toBe('attendee');
    expect((await cli(['join', '--out', '<dir>'], { BOT_CONFIG: BODY })).spec?.source_api).toBe('recall');
    const refused = await cli(['join', '--out', '<dir>', '--api', 'recall'], { BOT_CONFIG: JSON.stringify({ meeting_url: 'https://meet.google.com/abc-defg-hij', deduplication_key: 'k' }) });
    expect(refused.code).toBe(2);
    expect(refused.err).toContain('deduplication_key: is an Attendee field');
    expect(refused.spec).toBeNull();
  });

  it('refuses bad serve and keys settings by name, opening nothing', async () => {
    expect(await cli(['serve', '--data-dir', '<dir>', '--port', 'eighty'])).toMatchObject({ code: 2, err: expect.stringContaining('--port must be a non-negative integer') });
    expect(await cli(['serve', '--data-dir', '<dir>'], { MEETBOT_MAX_BOTS: '0' })).toMatchObject({ code: 2, err: expect.stringContaining('MEETBOT_MAX_BOTS must be a positive integer') });
    expect(await cli(['serve', '--data-dir', '<dir>', '--allow-loopback'])).toMatchObject({ code: 2, err: expect.stringContaining('--allow-loopback needs --platform') });
    for (const bad of ['c2hvcnQ=', 'not base64 at all!', Buffer.alloc(33).toString('base64')]) {
      const refused = await cli(['serve', '--data-dir', '<dir>'], { MEETBOT_CREDENTIALS_KEY: bad });
      expect(refused).toMatchObject({ code: 2, err: expect.stringContaining('MEETBOT_CREDENTIALS_KEY must be 32 bytes, base64') });
      expect(refused.err).not.toContain(bad);
    }
    expect(await cli(['keys', 'create', '--project', 'acme', '--data-dir', '<dir>', '--webhook-secret', 'not-a-secret!'])).toMatchObject({ code: 2, err: expect.stringContaining('--webhook-secret') });
    expect(await cli(['keys', 'create', '--data-dir', '<dir>'])).toMatchObject({ code: 2, err: expect.stringContaining("'--project <name>' not specified") });
  });

  it('keys create prints a key once, for a project it creates or finds', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'meetbot-cli-keys-'));
    const first = await cli(['keys', 'create', '--project', 'acme', '--data-dir', dir]);
    const second = await cli(['keys', 'create', '--project', 'acme', '--data-dir', dir, '--max-live-bots', '5']);
    expect(first.code).toBe(0);
    const a = JSON.parse(first.out);
    const b = JSON.parse(second.out);
    expect(a.api_key).toMatch(/^mb_[A-Za-z0-9]{40}$/);
    expect(b.project_id).toBe(a.project_id);
    expect(b.api_key).not.toBe(a.api_key);
  });
});
