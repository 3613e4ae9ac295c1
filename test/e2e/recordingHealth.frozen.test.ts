import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useMockServer } from '../helpers/mockSuite.js';
import { kindOf, TreeWatcher } from '../helpers/processTree.js';

// A frozen recording: the screen the recorder grabs stands still while the meeting's video keeps arriving in the
// page (as when Chromium's compositor stalls, which runs inside the browser process here and cannot be stopped
// alone). A still window is put over the bot's on its own display; the page underneath runs on. The bot must
// call that recording frozen, not done.

const { client, startBot } = useMockServer();
const ALICE = { name: 'Alice Example', color: '#c0392b', tone_hz: 440 };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('the recording health: a frozen picture', () => {
  it('a picture that stood still while the meeting moved ends call_ended, then fatal / recording_frozen with recording.failed', async () => {
    const m = await client.createMeeting({ platform: 'google_meet', waiting_room: false, participants: [ALICE], ui_variant: { device_modal: 'never' } });
    const b = startBot({ url: m.join_url, platform: 'google_meet' });
    const tree = new TreeWatcher(b.proc.pid!);
    await b.waitForStatus('in_call_recording', 120_000);
    await sleep(2000);
    const grab = tree.look().find((p) => kindOf(p.args) === 'ffmpeg' && p.args.includes('x11grab'));
    const display = grab?.args.match(/-i (:\d+)\+0,0/)?.[1];
    expect(display).toBeDefined();
    const still = spawn('ffplay', ['-v', 'error', '-an', '-noborder', '-left', '0', '-top', '0', '-f', 'lavfi', '-i', 'color=c=gray:s=1280x720:r=5'], {
      env: { ...process.env, DISPLAY: display, SDL_AUDIODRIVER: 'dummy' },
      stdio: 'ignore',
    });
    try {
      await sleep(18_000);
    } finally {
      still.kill('SIGKILL');
    }
    await sleep(1000);
    expect(await b.stop()).toEqual({ code: 1, signal: null });
    expect(b.codes.slice(-2)).toEqual(['call_ended', 'fatal']);
    expect(b.statuses.at(-1)).toMatchObject({ sub_code: 'recording_frozen' });
    const failed = readFileSync(join(b.outDir, 'events.jsonl'), 'utf8').split('\n').filter((l) => l.includes('"recording.failed"'));
    expect(failed).toHaveLength(1);
    const health = (JSON.parse(failed[0]!) as { health: { video: { longest_freeze_sec: number; frozen_while_moving_sec: number } } }).health;
    expect(health.video.longest_freeze_sec).toBeGreaterThan(15);
    expect(health.video.frozen_while_moving_sec).toBeGreaterThan(15);
  });
});
