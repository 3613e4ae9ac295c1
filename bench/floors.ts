import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RecordingSpec } from '../src/config/botSpec.js';
import { parseBotConfig } from '../src/config/normalize.js';
import { recordingArgs } from '../src/capture/ffmpegArgs.js';
import { startMediaEnvironment } from '../src/capture/mediaEnvironment.js';
import { launchBrowser } from '../src/browser/launch.js';
import { createAdapter } from '../src/platform/registry.js';
import { RUNTIME_DEFAULTS } from '../src/session/runtimeOptions.js';
import { sessionInput } from '../src/session/sessionInput.js';
import { sleep } from '../src/util/async.js';
import { silentLogger } from '../src/util/log.js';
import { TreeSampler, type TreeUsage } from './procTree.js';

/**
 * The floors a bot is compared with, measured in the same run: ffmpeg alone encoding a synthetic 720p30
 * source with the recorder's own encoder settings, and Chromium alone rendering the same mock meeting.
 */

/** The RecordingSpec a Create Bot body (Recall shape) normalises to. */
export function recordingSpecFor(body: Record<string, unknown>): RecordingSpec {
  const parsed = parseBotConfig({ ...body, meeting_url: 'https://meet.google.com/abc-defg-hij' });
  if (!parsed.ok) throw new Error(`bench: invalid body ${JSON.stringify(parsed.errors)}`);
  return parsed.spec.recording;
}

/** The recorder's video encoder options, cut from the real command line so the floor never drifts from it. */
export function recorderVideoEncoderArgs(spec: RecordingSpec): string[] {
  const args = recordingArgs(spec, { display: ':0', audioSource: 'x', size: { width: spec.width, height: spec.height }, timeOriginMs: 0 }, { file: 'x.mp4' });
  const from = args.indexOf('-c:v');
  const to = args.indexOf('-map', from);
  if (from < 0 || to < 0) throw new Error('bench: no video encoder in the recorder arguments');
  return args.slice(from, to);
}

/** ffmpeg -re on lavfi testsrc2 at the recording's size and rate, encoded like the recorder, for `seconds`. */
export async function measureEncodeFloor(spec: RecordingSpec, seconds: number, ffmpeg = 'ffmpeg'): Promise<TreeUsage & { encoder: string[] }> {
  const encoder = recorderVideoEncoderArgs(spec);
  const warmup = 2;
  const proc = spawn(
    ffmpeg,
    [
      '-hide_banner', '-loglevel', 'error', '-nostdin', '-re',
      '-f', 'lavfi', '-i', `testsrc2=size=${spec.width}x${spec.height}:rate=${spec.fps}`,
      '-t', String(seconds + warmup + 2),
      ...encoder,
      '-f', 'null', '-',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  const exited = new Promise<void>((r) => proc.once('exit', () => r()));
  try {
    await sleep(warmup * 1000);
    const sampler = new TreeSampler(new Map([['ffmpeg', [proc.pid!]]]));
    sampler.start();
    await sleep(seconds * 1000);
    const usage = sampler.stop().get('ffmpeg')!;
    return { ...usage, encoder };
  } finally {
    proc.kill('SIGKILL');
    await exited;
  }
}

export interface RenderOnly {
  /** The Chromium browser process: its tree is the render floor. */
  chromiumPid: number;
  close(): Promise<void>;
}

/**
 * Chromium alone in the meeting: the bot's own media environment, browser launch and Meet adapter, joined and
 * past the after-admission steps, but no recorder and no page polling. Only Chromium's tree is counted.
 */
export async function startRenderOnly(url: string, chromiumPath = '/usr/bin/chromium'): Promise<RenderOnly> {
  const parsed = parseBotConfig({ meeting_url: url, bot_name: 'Bench Renderer' }, { allowLoopback: true, platform: 'google_meet' });
  if (!parsed.ok) throw new Error(`bench: render-only config: ${JSON.stringify(parsed.errors)}`);
  const { spec } = parsed;
  const workDir = await mkdtemp(join(tmpdir(), 'meetbot-bench-render-'));
  const media = await startMediaEnvironment({ recording: spec.recording, workDir, log: silentLogger });
  const close = async () => {
    await browser?.close().catch(() => undefined);
    await media.dispose();
    await rm(workDir, { recursive: true, force: true });
  };
  let browser: Awaited<ReturnType<typeof launchBrowser>> | null = null;
  try {
    browser = await launchBrowser({
      media,
      recording: spec.recording,
      chromiumPath,
      userDataDir: join(workDir, 'profile'),
      log: silentLogger,
      allowLoopback: true,
    });
    const adapter = createAdapter('google_meet');
    const input = sessionInput({ adapter, setting: 'auto', page: browser.page, media, stepTimeoutMs: 15_000, log: silentLogger });
    const ctx = {
      page: browser.page,
      meeting: spec.meeting,
      botName: spec.bot_name,
      log: silentLogger,
      stepTimeoutMs: 15_000,
      zoomUnstartedReloadMs: RUNTIME_DEFAULTS.zoomUnstartedReloadSec * 1000,
      signal: new AbortController().signal,
      input: input.ui,
      osKey: input.osKey,
      onScreen: () => undefined,
      untilJoinTime: () => Promise.resolve(),
      account: null,
    };
    await adapter.join(ctx);
    const deadline = Date.now() + 60_000;
    while ((await adapter.probe(ctx)).state.phase !== 'in_call') {
      if (Date.now() > deadline) throw new Error('bench: the render-only browser was not admitted');
      await sleep(250);
    }
    await adapter.afterAdmitted(ctx);
    return { chromiumPid: browser.process.pid!, close };
  } catch (err) {
    await close();
    throw err;
  }
}
