import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { SupervisedProcess } from '../process/supervisor.js';
import type { Logger } from '../util/log.js';
import { describeExit } from '../process/exitReason.js';
import { runTool } from './runTool.js';

export interface PulseServer {
  /** PULSE_SERVER value: "unix:/…/native". */
  server: string;
  sink: string;
  /** The sink's monitor: everything played into the sink, as a capture source. */
  monitor: string;
  process: SupervisedProcess;
  /**
   * Makes a capture that just connected to the monitor get its audio now rather than up to 2 s later. A null
   * sink renders in blocks as long as the lowest latency its streams ask for, 2 s when none asks (its first
   * block, and whenever nothing plays, e.g. a silent lobby), and takes a new request only when the current
   * block ends: the recorder's first audio came 0.5-2 s after admission (measured). Once the capture is
   * connected and still has no audio (`flowing`) after a short grace, a suspend and resume starts the next
   * block at the capture's latency. Resolves true if it did that; false if audio flowed anyway or no capture
   * connected within `timeoutMs`.
   */
  applyCaptureLatency: (timeoutMs: number, flowing: () => boolean) => Promise<boolean>;
  stop: () => Promise<void>;
}

const PACTL_TIMEOUT_MS = 2000;
const CAPTURE_POLL_MS = 20;
/** A capture on a sink that is already running at a short latency gets audio within ~60-100 ms (measured). */
const CAPTURE_GRACE_MS = 150;

/** Sink names allow letters, digits, '_', '-' and '.'; anything else becomes '_'. */
export function sinkNameFor(name: string): string {
  return `meetbot_${name.replace(/[^A-Za-z0-9_.-]/g, '_')}`.slice(0, 64);
}

/**
 * This bot's own PulseAudio server: one null sink (what Chromium plays, what ffmpeg records from its monitor)
 * and a Unix socket in `dir`. A server per bot, rather than a sink per bot on a shared server, means no shared
 * default sink to race for (Meeting BaaS #208) and no mixing of meetings (Attendee #797).
 *
 * It runs as root here with HOME, XDG_RUNTIME_DIR and PULSE_RUNTIME_PATH all inside `dir`, without D-Bus or
 * X11 (DISPLAY is left out of its environment, or it would try to autolaunch a D-Bus daemon through X).
 */
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function startPulse(opts: { dir: string; sinkName: string; log: Logger; timeoutMs?: number }): Promise<PulseServer> {
  const runtime = join(opts.dir, 'runtime');
  const home = join(opts.dir, 'home');
  await mkdir(runtime, { recursive: true, mode: 0o700 });
  await mkdir(home, { recursive: true, mode: 0o700 });
  const socket = join(opts.dir, 'native');
  const proc = SupervisedProcess.start({
    name: 'pulseaudio',
    command: 'pulseaudio',
    args: [
      // No default.pa: exactly the two modules below, nothing probing for sound cards, Bluetooth or X11.
      '-n',
      // Stays a child of the supervisor (its process group, its pdeathsig) instead of forking away.
      '--daemonize=no',
      '--exit-idle-time=-1',
      '--use-pid-file=no',
      '--system=false',
      // Clients cannot shut the bot's server down.
      '--disallow-exit',
      '--log-target=stderr',
      // info level prints "Daemon startup complete", the readiness line.
      '--log-level=info',
      '-L', `module-null-sink sink_name=${opts.sinkName} rate=48000 channels=2 sink_properties=device.description=${opts.sinkName}`,
      // Anonymous auth is safe: the socket lives in the bot's private 0700 directory.
      '-L', `module-native-protocol-unix socket=${socket} auth-anonymous=1`,
    ],
    env: {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: home,
      XDG_RUNTIME_DIR: runtime,
      XDG_CONFIG_HOME: join(home, '.config'),
      PULSE_RUNTIME_PATH: runtime,
    },
    logger: opts.log,
  });
  try {
    await proc.waitForLine(/Daemon startup complete/, opts.timeoutMs ?? 10_000);
  } catch (err) {
    await proc.stop('failed to start', 'SIGKILL', 1000);
    throw err;
  }
  opts.log.debug('pulseaudio: ready', { socket, sink: opts.sinkName, pid: proc.pid });
  const pactl = async (...args: string[]) => {
    const { stdout, exit } = await runTool({
      name: 'pactl',
      command: 'pactl',
      args: ['--server', `unix:${socket}`, ...args],
      timeoutMs: PACTL_TIMEOUT_MS,
    });
    if (exit.kind !== 'exited' || exit.code !== 0) throw new Error(`pactl ${args.join(' ')}: ${describeExit(exit)}`);
    return stdout.toString('utf8');
  };
  return {
    server: `unix:${socket}`,
    sink: opts.sinkName,
    monitor: `${opts.sinkName}.monitor`,
    process: proc,
    applyCaptureLatency: async (timeoutMs, flowing) => {
      const deadline = performance.now() + timeoutMs;
      while ((await pactl('list', 'short', 'source-outputs')).trim() === '') {
        if (flowing() || performance.now() > deadline) return false;
        await sleep(CAPTURE_POLL_MS);
      }
      await sleep(CAPTURE_GRACE_MS);
      if (flowing()) return false;
      await pactl('suspend-sink', opts.sinkName, '1');
      await pactl('suspend-sink', opts.sinkName, '0');
      return true;
    },
    stop: async () => void (await proc.stop('media environment disposed', 'SIGTERM', 3000)),
  };
}
