import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface XDisplay {
  /** ":<n>" */
  display: string;
  /** Presses a key through XTEST, as the bot's osKey does (reaches browser chrome, not only the page). */
  key(key: string): Promise<void>;
  /** Mean brightness (0..255) of the whole screen now: what a recording of the display would show. */
  meanLuma(): Promise<number>;
  close(): Promise<void>;
}

/**
 * A private Xvfb for tests that need a headful Chromium (native dialogs exist only there). Xvfb picks a free
 * display number itself (-displayfd) and is killed, by pid, on close.
 */
export async function startXDisplay(size = { width: 1280, height: 720 }): Promise<XDisplay> {
  const proc: ChildProcess = spawn('Xvfb', ['-displayfd', '1', '-screen', '0', `${size.width}x${size.height}x24`, '-nolisten', 'tcp'], {
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  const display = await new Promise<string>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error('Xvfb did not report its display')), 10_000);
    proc.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('\n')) {
        clearTimeout(timer);
        resolve(`:${out.trim()}`);
      }
    });
    proc.once('exit', (code) => reject(new Error(`Xvfb exited (${code})`)));
  });
  const env = { ...process.env, DISPLAY: display };
  return {
    display,
    key: async (key) => {
      await run('xdotool', ['key', '--clearmodifiers', key], { env, timeout: 5000 });
    },
    meanLuma: async () => {
      const { stdout } = await run(
        'ffmpeg',
        ['-v', 'error', '-f', 'x11grab', '-video_size', `${size.width}x${size.height}`, '-i', display, '-frames:v', '1', '-vf', 'scale=64:36,format=gray', '-f', 'rawvideo', 'pipe:1'],
        { encoding: 'buffer', timeout: 10_000 },
      );
      let sum = 0;
      for (const b of stdout) sum += b;
      return sum / Math.max(1, stdout.length);
    },
    close: async () => {
      if (proc.exitCode !== null) return;
      const exited = new Promise((r) => proc.once('exit', r));
      proc.kill('SIGTERM');
      await exited;
    },
  };
}
