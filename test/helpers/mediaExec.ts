import { execFile } from 'node:child_process';

/** Runs ffmpeg/ffprobe for test analysis and returns stdout and stderr (large buffers: decoded media). */
export function execMedia(command: 'ffmpeg' | 'ffprobe', args: string[]): Promise<{ stdout: Buffer; stderr: string }> {
  return new Promise((resolve, reject) => {
    execFile(command, args, { encoding: 'buffer', maxBuffer: 1 << 30 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${command} ${args.join(' ')}: ${err.message}\n${stderr.toString().slice(-2000)}`));
      else resolve({ stdout, stderr: stderr.toString() });
    });
  });
}

/** -ss/-to input options for a window of a file (seconds); undefined bounds are left out. */
export function windowArgs(fromSec?: number, toSec?: number): string[] {
  return [...(fromSec !== undefined ? ['-ss', String(fromSec)] : []), ...(toSec !== undefined ? ['-to', String(toSec)] : [])];
}
