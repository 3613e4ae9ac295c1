import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, openSync, writeSync, closeSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { LoggedEvent as BotEvent } from '../../src/events/botEvents.js';
import type { BotProcess, StartBotOptions } from '../helpers/botProcess.js';
import { hangPage } from '../helpers/botPage.js';
import { toneEnergy } from '../../fixtures/media/audio.js';
import { execMedia } from '../../fixtures/media/exec.js';
import type { MeetingSpec } from '../../fixtures/mock/client.js';
import { useMockServer } from '../helpers/mockSuite.js';
import { kindOf, TreeWatcher, type ProcInfo } from '../helpers/processTree.js';

// Runtime faults, each provoked on purpose against the real bot (the compiled CLI) in the Meet mock. Every
// one must end in its documented state and sub_code, keep the recording made so far, and leave no process
// behind: every process the bot started (Xvfb, PulseAudio, Chromium and its children, ffmpeg) is tracked
// while it runs and must be gone once it has exited.

const { client, startBot } = useMockServer();
const cleanups: (() => void)[] = [];

afterAll(async () => {
  for (const c of cleanups) c();
});

const ALICE = { name: 'Alice Example', color: '#c0392b', tone_hz: 440 };
/** Generous: e2e files run one at a time, but on two cores shared with everything else. */
const IN_CALL_MS = 150_000;

interface RunningBot {
  b: BotProcess;
  tree: TreeWatcher;
  botId: string;
}

let botCount = 0;

function bot(opts: Omit<StartBotOptions, 'platform'> & { platform?: StartBotOptions['platform'] }): RunningBot {
  const botId = `fault${String(++botCount).padStart(3, '0')}-${process.pid}`;
  const b = startBot({ platform: 'google_meet', ...opts, args: [...(opts.args ?? []), '--bot-id', botId] });
  return { b, tree: new TreeWatcher(b.proc.pid!), botId };
}

/** Straight into the call: the pre-join screens have their own tests, these are about what comes after. */
function meeting(spec: Partial<MeetingSpec> = {}) {
  return client.createMeeting({ platform: 'google_meet', waiting_room: false, participants: [], ui_variant: { device_modal: 'never' }, ...spec });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function recordingFfmpegs(tree: TreeWatcher): ProcInfo[] {
  return tree.look().filter((p) => kindOf(p.args) === 'ffmpeg' && / -f (x11grab|pulse) /.test(p.args));
}

/** Waits for the exit, then proves nothing the bot started is left, and that it did start the usual set. */
async function expectCleanExit(run: RunningBot, code: number): Promise<void> {
  const exit = await run.b.exited;
  expect(exit, run.b.stderr.slice(-3000)).toEqual({ code, signal: null });
  await sleep(500);
  expect(run.tree.leftovers().map((p) => `${p.pid} ${p.args.slice(0, 120)}`)).toEqual([]);
  // The tree must have held the processes whose absence we just checked.
  for (const kind of ['Xvfb', 'pulseaudio', 'chromium']) expect(run.tree.kinds()).toContain(kind);
}

function lastStatus(b: BotProcess) {
  return b.statuses.at(-1)!;
}

/** Nothing looks like a V8 stack frame ("at fn (file:1:2)" or "at file:1:2"), plain or inside a JSON line. */
function expectNoStackTrace(text: string): void {
  expect(text).not.toMatch(/\bat (?:async )?(?:\S+ \()?(?:file:\/\/|node:|\/)\S*:\d+:\d+/);
}

async function mediaDuration(file: string): Promise<number> {
  const { stdout } = await execMedia('ffprobe', ['-v', 'error', '-show_entries', 'format=duration', '-of', 'csv=p=0', file]);
  return Number(stdout.toString().trim());
}

/** Decodes the whole file; returns the decoded video frame count (a truncated tail is tolerated, garbage is not). */
async function decodedFrames(file: string): Promise<number> {
  const { stdout } = await execMedia('ffprobe', ['-v', 'quiet', '-count_frames', '-select_streams', 'v:0', '-show_entries', 'stream=nb_read_frames', '-of', 'csv=p=0', file]);
  return Number(stdout.toString().trim());
}

function readEvents(dir: string): BotEvent[] {
  return readFileSync(join(dir, 'events.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as BotEvent);
}

function manifestOf(dir: string): Record<string, any> {
  return JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
}

/** The playable recording the bot kept: the joined file, or the segments when they could not be joined. */
function keptRecording(dir: string): string {
  const files = readdirSync(dir).filter((f) => /^recording\.(mp4|part\d{3}\.mp4)$/.test(f)).sort();
  expect(files.length, `recording files in ${dir}: ${readdirSync(dir).join(', ')}`).toBeGreaterThan(0);
  return join(dir, files.includes('recording.mp4') ? 'recording.mp4' : files[0]!);
}

describe('runtime faults against the Meet mock', () => {
  it('ffmpeg dying mid-call is restarted (a gap event, one complete recording); SIGTERM then leaves, finalises and exits 0 within 10 s', async () => {
    const m = await meeting({ participants: [ALICE] });
    const run = bot({ url: m.join_url });
    const { b, tree } = run;
    const recording = await b.waitForStatus('in_call_recording', IN_CALL_MS);
    await sleep(5000);
    const [ffmpeg] = recordingFfmpegs(tree);
    expect(ffmpeg, 'the recording ffmpeg').toBeDefined();
    process.kill(ffmpeg!.pid, 'SIGKILL');
    const gap = await b.waitForEvent((e) => e.event === 'recording.gap', 60_000);
    expect(String((gap as { reason?: unknown }).reason)).toMatch(/ffmpeg/);
    await sleep(5000);

    const stoppedAt = Date.now();
    b.proc.kill('SIGTERM');
    await b.exited;
    expect(Date.now() - stoppedAt).toBeLessThan(10_000);
    await expectCleanExit(run, 0);
    expect(b.statuses.slice(-2)).toMatchObject([{ code: 'call_ended', sub_code: 'bot_received_leave_call' }, { code: 'done' }]);
    expect((await client.get(m.id)).bot.status).toBe('left');
    expect(b.codes).not.toContain('fatal');

    const manifest = manifestOf(b.outDir);
    expect(manifest.recording.file).toBe('recording.mp4');
    expect(manifest.recording.gaps).toHaveLength(1);
    const file = join(b.outDir, 'recording.mp4');
    const seconds = await mediaDuration(file);
    const recordedFor = (Date.parse(lastStatus(b).created_at) - Date.parse(recording.created_at)) / 1000;
    // One file with both segments: most of the time in the call, minus at most the gap and the leave.
    expect(seconds).toBeGreaterThan(8);
    expect(seconds).toBeLessThan(recordedFor + 1.5);
    expect(existsSync(join(b.outDir, 'recording.part000.mp4'))).toBe(false);
    // Alice's tone is on both sides of the restart.
    expect(await toneEnergy(file, ALICE.tone_hz, 0.5, 4)).toBeGreaterThan(0.01);
    expect(await toneEnergy(file, ALICE.tone_hz, seconds - 3.5, seconds - 0.5)).toBeGreaterThan(0.01);
  });

  // Faults that end their own bot quickly, or that only wait on a timer, run side by side to keep the file short;
  // nothing in them is timed tighter than a load would allow. A sequential test stands between two such groups (vitest
  // runs adjacent concurrent suites together): at most three bots at once on two cores. The shared helpers use the
  // global expect: a failed assertion throws into the test that awaited it, and no case uses snapshots or
  // expect.assertions.
  describe.concurrent('ffmpeg that never stays up, an output folder that vanishes', () => {
    it('ends fatal / recording_failed when ffmpeg keeps dying beyond its restarts, keeping what was recorded', async () => {
      const m = await meeting();
      const run = bot({ url: m.join_url });
      const { b, tree } = run;
      await b.waitForStatus('in_call_recording', IN_CALL_MS);
      await sleep(5000);
      // Every recording ffmpeg dies as soon as it shows up, restarts included.
      const killer = setInterval(() => {
        for (const p of recordingFfmpegs(tree)) {
          try {
            process.kill(p.pid, 'SIGKILL');
          } catch {
            /* gone already */
          }
        }
      }, 200);
      try {
        const fatal = await b.waitForStatus('fatal', 90_000);
        expect(fatal.sub_code).toBe('recording_failed');
      } finally {
        clearInterval(killer);
      }
      await expectCleanExit(run, 1);
      const file = keptRecording(b.outDir);
      expect(await mediaDuration(file)).toBeGreaterThan(3);
      expect(manifestOf(b.outDir).final).toEqual({ code: 'fatal', sub_code: 'recording_failed' });
    });

    it('ends fatal / output_dir_lost when the output folder vanishes, and saves the open recording into it again', async () => {
      const m = await meeting();
      const run = bot({ url: m.join_url });
      const { b } = run;
      await b.waitForStatus('in_call_recording', IN_CALL_MS);
      await sleep(6000);
      rmSync(b.outDir, { recursive: true, force: true });
      const fatal = await b.waitForStatus('fatal', 60_000);
      expect(fatal.sub_code).toBe('output_dir_lost');
      await expectCleanExit(run, 1);
      expect((await client.get(m.id)).bot.status).toBe('left');
      // The folder is back with the whole story and the recording ffmpeg still held open.
      expect(readEvents(b.outDir).map((e) => e.event)).toEqual(expect.arrayContaining(['bot.joining_call', 'bot.in_call_recording', 'bot.fatal']));
      expect(readEvents(b.outDir)[0]).toMatchObject({ code: 'joining_call' });
      expect(await mediaDuration(keptRecording(b.outDir))).toBeGreaterThan(4);
    });
  });

  it('a recording silent while a participant speaks (the bot’s sink muted) ends fatal / recording_silent after call_ended, with recording.failed', async () => {
    const m = await meeting({ participants: [ALICE] });
    const run = bot({ url: m.join_url });
    const { b, tree } = run;
    await b.waitForStatus('in_call_recording', IN_CALL_MS);
    // The bot's own PulseAudio, as its ffmpeg reaches it: the sink everything the page plays goes to.
    const ffmpeg = recordingFfmpegs(tree)[0]!;
    const env = Object.fromEntries(readFileSync(`/proc/${ffmpeg.pid}/environ`, 'utf8').split('\0').map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]));
    execFileSync('pactl', ['set-sink-mute', env.PULSE_SINK!, '1'], { env: { ...process.env, PULSE_SERVER: env.PULSE_SERVER } });
    await sleep(10_000);
    await client.end(m.id);
    const fatal = await b.waitForStatus('fatal', 30_000);
    await expectCleanExit(run, 1);
    expect(b.codes.slice(-2)).toEqual(['call_ended', 'fatal']);
    expect(fatal.sub_code).toBe('recording_silent');
    const health = (fatal.detail as { recording_health: { audio: { speaking_sec: number; silent_while_speaking_sec: number } } }).recording_health;
    // Alice spoke the whole time (the page's indicator never depends on the bot's sink), and the file heard none of it.
    expect(health.audio.speaking_sec).toBeGreaterThan(8);
    expect(health.audio.silent_while_speaking_sec).toBeGreaterThan(0.9 * health.audio.speaking_sec);
    expect(b.events.find((e) => e.event === 'recording.failed')).toMatchObject({ sub_code: 'recording_silent', file: 'recording.mp4', health });
    expect(b.events.map((e) => e.event)).not.toContain('recording.done');
    expect(manifestOf(b.outDir)).toMatchObject({ final: { code: 'fatal', sub_code: 'recording_silent' }, recording: { health } });
    expect(await toneEnergy(join(b.outDir, 'recording.mp4'), ALICE.tone_hz, 2, 8)).toBeLessThan(0.001);
  });

  describe.concurrent('a killed browser, and a throw in the process', () => {
    it('ends fatal / browser_crashed when the page’s renderer is killed, keeping the recording', async () => {
      const m = await meeting();
      const run = bot({ url: m.join_url });
      const { b, tree } = run;
      await b.waitForStatus('in_call_recording', IN_CALL_MS);
      await sleep(4000);
      const renderers = tree.look().filter((p) => kindOf(p.args) === 'chromium' && p.args.includes('--type=renderer'));
      expect(renderers.length).toBeGreaterThan(0);
      for (const r of renderers) process.kill(r.pid, 'SIGKILL');
      const fatal = await b.waitForStatus('fatal', 60_000);
      expect(fatal.sub_code).toBe('browser_crashed');
      await expectCleanExit(run, 1);
      expect(await mediaDuration(keptRecording(b.outDir))).toBeGreaterThan(2);
    });

    it('ends fatal / browser_crashed when Chromium itself is killed, keeping the recording', async () => {
      const m = await meeting();
      const run = bot({ url: m.join_url });
      const { b, tree } = run;
      await b.waitForStatus('in_call_recording', IN_CALL_MS);
      await sleep(4000);
      const browser = tree.look().find((p) => kindOf(p.args) === 'chromium' && !p.args.includes('--type='));
      expect(browser).toBeDefined();
      process.kill(browser!.pid, 'SIGKILL');
      const fatal = await b.waitForStatus('fatal', 60_000);
      expect(fatal.sub_code).toBe('browser_crashed');
      expect(String(fatal.detail?.reason)).toMatch(/chromium/);
      await expectCleanExit(run, 1);
      expect(await mediaDuration(keptRecording(b.outDir))).toBeGreaterThan(2);
    });

    it('an uncaught exception in the process ends fatal / bot_errored: one line on stderr, no stack trace, the recording kept', async () => {
      const inject = join(mkdtempSync(join(tmpdir(), 'meetbot-inject-')), 'throwOnSignal.mjs');
      writeFileSync(inject, "process.on('SIGUSR2', () => { throw new Error('injected fault: boom'); });\n");
      const m = await meeting();
      const run = bot({ url: m.join_url, env: { NODE_OPTIONS: `--import=${inject}` } });
      const { b } = run;
      await b.waitForStatus('in_call_recording', IN_CALL_MS);
      await sleep(4000);
      b.proc.kill('SIGUSR2');
      const fatal = await b.waitForStatus('fatal', 60_000);
      expect(fatal).toMatchObject({ sub_code: 'bot_errored', detail: { message: 'injected fault: boom' } });
      await expectCleanExit(run, 1);
      expect(b.stderr).toContain('meetbot: unexpected error: injected fault: boom');
      expectNoStackTrace(b.stderr);
      expectNoStackTrace(readFileSync(join(b.outDir, 'bot.log'), 'utf8'));
      expect((await client.get(m.id)).bot.status).toBe('left');
      expect(await mediaDuration(keptRecording(b.outDir))).toBeGreaterThan(3);
    });
  });

  it.skipIf(process.getuid?.() !== 0)('ends fatal / disk_full when the output disk fills up, keeping a playable recording', async () => {
    const outDir = mkdtempSync(join(tmpdir(), 'meetbot-test-tmpfs-'));
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=48m', 'tmpfs', outDir]);
    cleanups.push(() => {
      execFileSync('umount', ['-l', outDir]);
      rmSync(outDir, { recursive: true, force: true });
    });
    const m = await meeting();
    const run = bot({ url: m.join_url, outDir });
    const { b } = run;
    await b.waitForStatus('in_call_recording', IN_CALL_MS);
    // The disk fills once 3 s are on it, however far a loaded machine's ffmpeg lags behind the call.
    const onDisk = await secondsOnDisk(join(outDir, 'recording.part000.mp4'), 3.5, 60_000);
    fillDisk(join(outDir, 'filler.bin'));
    const fatal = await b.waitForStatus('fatal', 60_000);
    expect(fatal.sub_code).toBe('disk_full');
    await expectCleanExit(run, 1);
    const file = keptRecording(outDir);
    // Everything that was on the disk when it filled is still there and playable.
    expect(await mediaDuration(file)).toBeGreaterThanOrEqual(onDisk);
    expect(await decodedFrames(file)).toBeGreaterThan(3 * 25);
    // The bot's last words made it to disk: the reserve it held back was given up for them.
    expect(readEvents(outDir).at(-1)).toMatchObject({ code: 'fatal', sub_code: 'disk_full' });
    expect(manifestOf(outDir).final).toEqual({ code: 'fatal', sub_code: 'disk_full' });
    expect(existsSync(join(outDir, '.meetbot-reserve'))).toBe(false);
  });

  describe.concurrent('the runtime’s own limits', () => {
    it('ends fatal / page_unresponsive when the page hangs for MEETBOT_WATCHDOG_SEC, keeping the recording', async () => {
      const m = await meeting();
      const run = bot({ url: m.join_url, env: { MEETBOT_WATCHDOG_SEC: '10' } });
      const { b, botId } = run;
      await b.waitForStatus('in_call_recording', IN_CALL_MS);
      await sleep(3000);
      await hangPage(botId, new URL(m.join_url).pathname);
      const hungAt = Date.now();
      const fatal = await b.waitForStatus('fatal', 60_000);
      expect(fatal.sub_code).toBe('page_unresponsive');
      // Not before the watchdog period, and not much after it.
      expect(Date.now() - hungAt).toBeGreaterThan(9_000);
      expect(Date.now() - hungAt).toBeLessThan(40_000);
      await expectCleanExit(run, 1);
      expect(await mediaDuration(keptRecording(b.outDir))).toBeGreaterThan(5);
      expect(readFileSync(join(b.outDir, 'failure', 'error.txt'), 'utf8')).toContain('page_unresponsive');
    });

    it('ends fatal / watchdog_no_progress when a step makes no progress (a page that never shows the pre-join form)', async () => {
      // A "meeting" that serves an empty page: the join waits for a form that never comes.
      const blank: Server = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>Loading</title><body></body>'));
      await new Promise<void>((r) => blank.listen(0, '127.0.0.1', () => r()));
      cleanups.push(() => blank.close());
      const url = `http://127.0.0.1:${(blank.address() as AddressInfo).port}/abc-defg-hij`;
      const run = bot({ url, env: { MEETBOT_WATCHDOG_SEC: '6' } });
      const { b } = run;
      const fatal = await b.waitForStatus('fatal', 90_000);
      expect(fatal.sub_code).toBe('watchdog_no_progress');
      expect(fatal.detail).toMatchObject({ step: 'join' });
      await expectCleanExit(run, 1);
      expect(b.codes).toEqual(['joining_call', 'fatal']);
      expect(existsSync(join(b.outDir, 'failure', 'screenshot.png'))).toBe(true);
    });

    it('ends fatal / global_runtime_exceeded at MEETBOT_MAX_RUNTIME_SEC, leaving the meeting and keeping the recording', async () => {
      const m = await meeting();
      const startedAt = Date.now();
      const run = bot({ url: m.join_url, env: { MEETBOT_MAX_RUNTIME_SEC: '14' } });
      const { b } = run;
      const fatal = await b.waitForStatus('fatal', 90_000);
      expect(fatal.sub_code).toBe('global_runtime_exceeded');
      expect(Date.now() - startedAt).toBeGreaterThan(13_000);
      await expectCleanExit(run, 1);
      // On a machine slow enough to still be joining at 14 s there is nothing to keep; otherwise there must be.
      if (b.codes.includes('in_call_recording')) {
        expect((await client.get(m.id)).bot.status).toBe('left');
        expect(await mediaDuration(keptRecording(b.outDir))).toBeGreaterThan(1);
      }
    });
  });
});

/** Polls a growing recording until it holds `seconds` of readable media; returns what it holds. */
async function secondsOnDisk(file: string, seconds: number, timeoutMs: number): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  let held = 0;
  while (held < seconds && Date.now() < deadline) {
    await sleep(500);
    held = await mediaDuration(file).catch(() => 0);
  }
  expect(held, `seconds of readable media in ${file}`).toBeGreaterThanOrEqual(seconds);
  return held;
}

/** Writes zeros until the disk refuses (ENOSPC). */
function fillDisk(path: string): void {
  const fd = openSync(path, 'w');
  const chunk = Buffer.alloc(256 * 1024);
  try {
    for (;;) writeSync(fd, chunk);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOSPC') throw err;
  } finally {
    closeSync(fd);
  }
}
