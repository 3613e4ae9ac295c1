import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { startMockServer } from '../fixtures/mock/server.js';
import { PLATFORMS, type Platform } from '../src/config/botSpec.js';
import { isStatusEvent, type BotEvent } from '../src/events/botEvents.js';
import { BOT_NODE_FLAGS } from '../src/session/nodeFlags.js';

/**
 * `npm run demo`: a real bot joins the built-in mock Google Meet (three talking participants), is admitted
 * from the waiting room, posts a chat message, records for about 20 s, leaves by its own automatic-leave
 * rule and leaves a playable recording. Everything runs on this machine; nothing reaches the network.
 * `npm run demo -- --platform zoom|webex|microsoft_teams` runs the same against another platform's mock.
 */
function demoPlatform(): Platform {
  const { values } = parseArgs({ options: { platform: { type: 'string', default: 'google_meet' } } });
  const platform = values.platform as Platform;
  if (!PLATFORMS.includes(platform)) throw new Error(`--platform must be one of ${PLATFORMS.join(', ')} (got ${JSON.stringify(values.platform)})`);
  return platform;
}

const root = resolve(fileURLToPath(import.meta.url), '../../..');
const outDir = join(root, 'out', 'demo');
const cli = join(root, 'dist', 'src', 'cli.js');

async function api<T>(base: string, path: string, body: unknown): Promise<T> {
  const res = await fetch(base + path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  if (!res.ok) throw new Error(`${path}: HTTP ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

function describe(event: BotEvent): string {
  if (isStatusEvent(event)) return `${event.event}${event.sub_code ? ` (${event.sub_code})` : ''}`;
  const who = 'participant' in event ? event.participant.name : '';
  const text = event.event === 'participant_events.chat_message' ? `"${event.data.text}"` : '';
  return [event.event, who, text].filter(Boolean).join(' ');
}

async function main(): Promise<number> {
  const platform = demoPlatform();
  rmSync(outDir, { recursive: true, force: true });
  const mock = await startMockServer();
  try {
    const meeting = await api<{ id: string; join_url: string }>(mock.url, '/api/meetings', {
      platform,
      waiting_room: true,
      auto_admit_ms: 2000,
      participants: [
        { name: 'Ada Lovelace', color: '#c0392b', tone_hz: 440 },
        { name: 'Grace Hopper', color: '#27ae60', tone_hz: 660 },
        { name: 'Alan Turing', color: '#2980b9', tone_hz: 880 },
      ],
    });
    console.log(`mock meeting: ${meeting.join_url} (control page: ${mock.url}/)`);
    const body = {
      meeting_url: meeting.join_url,
      bot_name: 'meetbot demo',
      chat: { on_bot_join: { send_to: 'everyone', message: 'Hi! meetbot is recording this meeting for the demo.' } },
      automatic_leave: { in_call_recording_timeout: 20 },
    };
    const bot = spawn(process.execPath, [...BOT_NODE_FLAGS, cli, 'join', '--config', '-', '--out', outDir, '--platform', platform, '--allow-loopback', '--log-level', 'warn'], {
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    bot.stdin.end(JSON.stringify(body));
    let buf = '';
    bot.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      buf += chunk;
      for (let nl = buf.indexOf('\n'); nl >= 0; nl = buf.indexOf('\n')) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        const event = JSON.parse(line) as BotEvent;
        console.log(`  ${event.created_at.slice(11, 23)}  ${describe(event)}`);
        if (event.event === 'bot.in_call_recording') {
          setTimeout(() => void api(mock.url, `/api/meetings/${meeting.id}/chat`, { sender: 'Ada Lovelace', text: 'Welcome, notetaker!' }).catch(() => undefined), 3000);
        }
      }
    });
    const code = await new Promise<number>((r) => bot.once('exit', (c) => r(c ?? 1)));
    const rel = (f: string) => relative(process.cwd(), join(outDir, f));
    console.log(`\nbot exited with ${code}. Outputs:`);
    for (const f of ['recording.mp4', 'events.jsonl', 'participants.json', 'chat.jsonl', 'manifest.json']) console.log(`  ${rel(f)}`);
    return code;
  } finally {
    await mock.close();
  }
}

process.exitCode = await main().catch((err: unknown) => {
  console.error(`demo: ${err instanceof Error ? err.message : String(err)}`);
  return 2;
});
