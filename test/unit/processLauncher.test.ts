import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { botEnvironment, ProcessLauncher } from '../../src/service/launcher/processLauncher.js';
import { silentLogger } from '../../src/util/log.js';

// The process launcher with a stand-in for `meetbot join`: a Node script that writes down what it was given.

const dir = mkdtempSync(join(tmpdir(), 'meetbot-launcher-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const STAND_IN = `
const fs = require('node:fs');
const out = process.argv[process.argv.indexOf('--out') + 1];
let body = '';
process.stdin.on('data', (c) => (body += c)).on('end', () => {
  fs.writeFileSync(out + '/given.json', JSON.stringify({ body, argv: process.argv.slice(1), token: process.env.MEETBOT_CONTROL_TOKEN, db: process.env.DATABASE_URL ?? null, credential: process.env.MEETBOT_CREDENTIAL ?? null, callbackSecret: process.env.MEETBOT_WEBHOOK_SECRET ?? null, key: process.env.MEETBOT_CREDENTIALS_KEY ?? null }));
  if (process.argv.includes('fail')) { console.error('meetbot: could not start Chromium'); process.exit(1); }
});
process.on('SIGTERM', () => process.exit(0));
setInterval(() => {}, 1000);
`;

function launcher(extra: string[] = []): ProcessLauncher {
  return new ProcessLauncher({ botsDir: dir, command: process.execPath, commandArgs: ['-e', STAND_IN, '--', ...extra], loopbackPlatform: 'google_meet', log: silentLogger });
}

const request = (botId: string) => ({ botId, body: '{"meeting_url":"x"}', api: 'attendee' as const, controlUrl: 'ws://127.0.0.1:1/c', controlToken: 'tok-123', credential: null, callbackSecret: null, signIn: null, run: 1 });

async function given(outDir: string): Promise<any> {
  for (let i = 0; i < 100; i++) {
    try {
      return JSON.parse(readFileSync(join(outDir, 'given.json'), 'utf8'));
    } catch {
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  throw new Error('the stand-in wrote nothing');
}

describe('ProcessLauncher', () => {
  it('gives the bot its body on stdin and its token in the environment, never the service secrets; finds and stops it', async () => {
    process.env.DATABASE_URL = 'postgresql://u:secret@db/x';
    const l = launcher();
    const bot = await l.launch(request('11111111-1111-4111-8111-111111111111'));
    delete process.env.DATABASE_URL;
    const g = await given(bot.outDir);
    expect(g.body).toBe('{"meeting_url":"x"}');
    expect(g.token).toBe('tok-123');
    expect(g.db).toBeNull();
    expect(g.argv).toEqual(expect.arrayContaining(['join', '--api', 'attendee', '--control-url', 'ws://127.0.0.1:1/c', '--allow-loopback', '--platform', 'google_meet']));
    expect(g.argv).not.toContain('tok-123');

    // After a restart: the same pid is found again only for its own bot id.
    expect(await l.find('11111111-1111-4111-8111-111111111111', bot.ref, bot.outDir)).not.toBeNull();
    expect(await l.find('22222222-2222-4222-8222-222222222222', bot.ref, bot.outDir)).toBeNull();
    await l.stop(bot.ref, 5000);
    expect(await bot.exited).toMatchObject({ code: 0 });
    expect(await l.find('11111111-1111-4111-8111-111111111111', bot.ref, bot.outDir)).toBeNull();
  });

  it('gives a signed-in bot its credential in its environment only, and a second run its own folder', async () => {
    const credential = '{"platform":"google_meet","email":"bot@acme.example","password":"PASSWORD-of-the-group"}';
    process.env.MEETBOT_CREDENTIALS_KEY = 'c2VydmljZS1vbmx5LWtleS1vZi0zMi1ieXRlcy0wMDA=';
    process.env.MEETBOT_CREDENTIAL = '{"platform":"google_meet","password":"the-service-own"}';
    const l = launcher();
    const bot = await l.launch({ ...request('44444444-4444-4444-8444-444444444444'), credential, signIn: 'always', run: 2 });
    delete process.env.MEETBOT_CREDENTIALS_KEY;
    delete process.env.MEETBOT_CREDENTIAL;
    expect(bot.outDir).toBe(join(dir, '44444444-4444-4444-8444-444444444444', 'run-2'));
    const g = await given(bot.outDir);
    expect(g.credential).toBe(credential);
    expect(g.key).toBeNull();
    expect(g.argv.join(' ')).not.toContain('PASSWORD');
    expect(g.argv.join(' ')).toContain('--sign-in always');
    await l.stop(bot.ref, 5000);
    // A bot that signs in with nothing gets no credential, not even one of the service's environment.
    process.env.MEETBOT_CREDENTIAL = '{"platform":"google_meet","password":"the-service-own"}';
    const plain = await l.launch(request('55555555-5555-4555-8555-555555555555'));
    delete process.env.MEETBOT_CREDENTIAL;
    expect((await given(plain.outDir)).credential).toBeNull();
    await l.stop(plain.ref, 5000);
  });

  it("gives a bot the project's webhook secret only when its body has a callback to sign, and never the service's own", async () => {
    process.env.MEETBOT_WEBHOOK_SECRET = 'whsec_c2VydmljZS1vd24tc2VjcmV0';
    const l = launcher();
    const withCallback = await l.launch({ ...request('66666666-6666-4666-8666-666666666666'), callbackSecret: 'whsec_cHJvamVjdC1zZWNyZXQ=' });
    const without = await l.launch(request('77777777-7777-4777-8777-777777777777'));
    delete process.env.MEETBOT_WEBHOOK_SECRET;
    expect((await given(withCallback.outDir)).callbackSecret).toBe('whsec_cHJvamVjdC1zZWNyZXQ=');
    expect((await given(without.outDir)).callbackSecret).toBeNull();
    await l.stop(withCallback.ref, 5000);
    await l.stop(without.ref, 5000);
  });

  it("reports a bot that fails at once with its last words", async () => {
    const bot = await launcher(['fail']).launch(request('33333333-3333-4333-8333-333333333333'));
    expect(await bot.exited).toEqual({ code: 1, signal: null, message: 'meetbot: could not start Chromium' });
  });

  it('keeps the rest of the environment', () => {
    expect(
      botEnvironment({ PATH: '/bin', CHROMIUM_PATH: '/c', PGPASSWORD: 'p', MEETBOT_SIGNING_KEY: 'k', MEETBOT_CREDENTIALS_KEY: 'k', MEETBOT_CREDENTIAL_FILE: '/a.json', MEETBOT_LOG: 'x' }),
    ).toEqual({ PATH: '/bin', CHROMIUM_PATH: '/c', MEETBOT_LOG: 'x' });
  });
});
