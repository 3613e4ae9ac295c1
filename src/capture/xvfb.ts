import { SupervisedProcess, StartError } from '../process/supervisor.js';
import type { Logger } from '../util/log.js';

export interface XvfbServer {
  /** ":N", chosen by the server itself. */
  display: string;
  process: SupervisedProcess;
  stop: () => Promise<void>;
}

/**
 * Xvfb screen geometry for a recording of width x height. Chromium on X11 without a window manager sizes a
 * kiosk (full-screen) window one pixel short of the screen in each direction (measured: 1279x719 on a
 * 1280x720 screen), so the screen gets one spare pixel and the window, the page and the grabbed area are all
 * exactly width x height at 0,0.
 */
export function xvfbScreen(width: number, height: number): string {
  return `${width + 1}x${height + 1}x24`;
}

/**
 * Starts this bot's own X server. `-displayfd` lets Xvfb pick a free display number itself (it tries them in
 * turn under its lock files) and report it once it accepts connections, so bots starting at the same moment
 * never collide and no polling is needed.
 */
export async function startXvfb(opts: { width: number; height: number; log: Logger; timeoutMs?: number }): Promise<XvfbServer> {
  const proc = SupervisedProcess.start({
    name: 'xvfb',
    command: 'Xvfb',
    args: [
      '-displayfd', '3',
      '-screen', '0', xvfbScreen(opts.width, opts.height),
      // Local clients only (Unix socket); nothing listens on the network.
      '-nolisten', 'tcp',
      // Keep the server as is when the last client (e.g. a restarted Chromium) disconnects.
      '-noreset',
      // Chromium runs with --disable-gpu and draws in software, so nobody needs GLX; without it Xvfb does not
      // load Mesa's software OpenGL (measured: Xvfb's PSS 32 -> 8 MB at start).
      '-extension', 'GLX',
    ],
    extraPipes: 1,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin' },
    logger: opts.log,
  });
  const timeoutMs = opts.timeoutMs ?? 10_000;
  try {
    const display = await new Promise<string>((resolve, reject) => {
      let text = '';
      const timer = setTimeout(() => reject(new StartError(proc, `no display number within ${timeoutMs} ms`)), timeoutMs);
      proc.stream(3).on('data', (chunk: Buffer) => {
        text += chunk.toString('utf8');
        const m = text.match(/^(\d+)\n/);
        if (m) {
          clearTimeout(timer);
          resolve(`:${m[1]}`);
        }
      });
      void proc.exited.then(() => {
        clearTimeout(timer);
        reject(new StartError(proc, 'exited before reporting its display'));
      });
    });
    opts.log.debug('xvfb: ready', { display, pid: proc.pid });
    return {
      display,
      process: proc,
      // SIGTERM lets Xvfb remove its lock file and socket.
      stop: async () => void (await proc.stop('media environment disposed', 'SIGTERM', 3000)),
    };
  } catch (err) {
    await proc.stop('failed to start', 'SIGKILL', 1000);
    throw err;
  }
}
