import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BotProcess, StartBotOptions } from '../helpers/botProcess.js';
import { useMockServer } from '../helpers/mockSuite.js';
import { WebhookReceiver } from '../helpers/receivers.js';

// Hostile text in a valid body is plain text: typed into the meeting exactly as given and never run as
// code. Secrets (a Zoom link's passcode, the webhook secret) never reach a log, an event, a webhook or a file.

const { client, startBot } = useMockServer();
let beacon: Server;
let beaconUrl: string;
/** Requests a payload that ran would have made. */
const beaconHits: string[] = [];

beforeAll(async () => {
  beacon = createServer((req, res) => {
    beaconHits.push(req.url ?? '');
    res.writeHead(204).end();
  });
  await new Promise<void>((r) => beacon.listen(0, '127.0.0.1', () => r()));
  beaconUrl = `http://127.0.0.1:${(beacon.address() as AddressInfo).port}`;
});

afterAll(async () => {
  beacon?.close();
});

function bot(opts: StartBotOptions): BotProcess {
  return startBot({ ...opts, args: [...(opts.args ?? []), '--log-level', 'debug'] });
}

/** Every file under `dir`, as bytes. */
function filesUnder(dir: string): { path: string; bytes: Buffer }[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [{ path, bytes: readFileSync(path) }];
  });
}

// The two run side by side to keep the file short (one Meet bot, two Zoom bots). They use the global expect: a failed
// assertion throws into the test that awaited it, and neither uses snapshots or expect.assertions.
describe.concurrent('hostile text and secrets', () => {
  it('types a bot_name and chat message full of HTML, script and SQL exactly as given, and runs none of it', async () => {
    // Meet's name field takes 60 characters (maxlength): the payload fits, so the whole of it must arrive.
    const botName = `<img src=x onerror=fetch('//${new URL(beaconUrl).host}/n')>";DROP TABLE`;
    const message = `<script>fetch('${beaconUrl}/chat')</script><img src=x onerror=alert(1)> "; DROP TABLE bots;-- \${7*7} {{7*7}} &amp; \\u0041`;
    expect(botName.length).toBeLessThanOrEqual(60);
    const m = await client.createMeeting({ platform: 'google_meet', waiting_room: false, participants: [{ name: 'Alice Example', tone_hz: 440 }] });
    const b = bot({ url: m.join_url, platform: 'google_meet', body: { bot_name: botName, chat: { on_bot_join: { message } } } });
    await b.waitForStatus('in_call_recording', 150_000);
    const view = await client.waitFor(m.id, (v) => v.chat_received.length > 0, 30_000, 'the chat message');
    expect(view.joined_names).toEqual([botName]);
    expect(view.chat_received.map((c) => c.text)).toEqual([message]);
    // The page shows both back (own tile, chat list): still no request from a payload.
    await new Promise((r) => setTimeout(r, 3000));
    await b.stop('SIGTERM');
    expect((await b.exited).code).toBe(0);
    expect(beaconHits).toEqual([]);
    const chat = readFileSync(join(b.outDir, 'chat.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { text: string; sender: string });
    expect(chat[0]).toMatchObject({ sender: botName, text: message });
    expect(JSON.parse(readFileSync(join(b.outDir, 'manifest.json'), 'utf8')).bot_name).toBe(botName);
  });

  it('never writes the Zoom passcode or the webhook secret: not to stdout, stderr, webhooks or any file, failure evidence included', async () => {
    const passcode = `Pc${randomBytes(6).toString('hex')}`;
    const secret = `whsec_${randomBytes(24).toString('base64')}`;
    const receiver = await WebhookReceiver.start();
    const [recorded, walled] = await Promise.all([
      client.createMeeting({ platform: 'zoom', waiting_room: false, passcode, participants: [{ name: 'Alice Example', tone_hz: 440 }] }),
      client.createMeeting({ platform: 'zoom', waiting_room: false, passcode, blocked: true }),
    ]);
    expect(recorded.join_url).toContain(`pwd=${passcode}`);
    const env = { MEETBOT_WEBHOOK_URL: receiver.url(), MEETBOT_WEBHOOK_SECRET: secret };
    const ok = bot({ url: recorded.join_url, platform: 'zoom', env });
    const failed = bot({ url: walled.join_url, platform: 'zoom', env });
    await ok.waitForStatus('in_call_recording', 150_000);
    expect((await failed.waitForStatus('fatal', 150_000)).sub_code).toBe('zoom_requires_rtms');
    await new Promise((r) => setTimeout(r, 3000));
    await client.end(recorded.id);
    expect((await ok.exited).code).toBe(0);
    expect((await failed.exited).code).toBe(1);

    const secrets = [passcode, secret, secret.slice('whsec_'.length)];
    const places: { where: string; bytes: Buffer }[] = [
      ...[ok, failed].flatMap((b) => [
        { where: 'stdout', bytes: Buffer.from(JSON.stringify(b.events)) },
        { where: 'stderr', bytes: Buffer.from(b.stderr) },
        ...filesUnder(b.outDir).map((f) => ({ where: f.path, bytes: f.bytes })),
      ]),
      ...receiver.requests.map((r, i) => ({ where: `webhook ${i}`, bytes: Buffer.from(JSON.stringify(r)) })),
    ];
    // The checks looked where the secrets would be: the failure evidence and the webhooks exist.
    expect(places.map((p) => p.where)).toEqual(expect.arrayContaining([expect.stringMatching(/failure\/page\.html$/), expect.stringMatching(/bot\.log$/), 'webhook 0']));
    expect(receiver.delivered.length).toBeGreaterThan(3);
    const leaks = places.flatMap((p) => secrets.filter((s) => p.bytes.includes(s)).map((s) => `${p.where} holds ${s === passcode ? 'the passcode' : 'the webhook secret'}`));
    expect(leaks).toEqual([]);
    await receiver.down();
  });
});
