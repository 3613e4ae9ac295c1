import { mkdir, stat, statfs, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from '../util/log.js';
import { rescueDeletedSegments } from './recordingRescue.js';

export type OutputFault =
  | { sub_code: 'disk_full'; detail: { free_bytes: number; cause: string } }
  | { sub_code: 'output_dir_lost'; detail: { dir: string; cause: string } };

export interface OutputGuardOptions {
  dir: string;
  log: Logger;
  onFault: (fault: OutputFault) => void;
  /** Below this much free space the disk counts as full (default 1 MiB). */
  minFreeBytes?: number;
  /** Space held back from the start and given up when the disk fills, for the bot's last writes (default 4 MiB). */
  reserveBytes?: number;
  intervalMs?: number;
}

const RESERVE_FILE = '.meetbot-reserve';
const NO_SPACE = new Set(['ENOSPC', 'EDQUOT']);
const GONE = new Set(['ENOENT', 'ENOTDIR', 'ESTALE']);

/**
 * Watches the output folder: a full disk (`disk_full`) and a folder that vanished or was replaced
 * (`output_dir_lost`). It learns of both from the writers' errors (ENOSPC, ENOENT), from a recorder that
 * lost ffmpeg, and from a periodic stat/statfs, since ffmpeg keeps writing into a deleted file without a word.
 *
 * A full disk would also refuse the bot's last words (final events, manifest, failure evidence), so a small
 * reserve file is written at the start and deleted when the disk fills.
 */
export class OutputGuard {
  private readonly reservePath: string;
  private identity: { dev: number; ino: number } | null = null;
  private timer: NodeJS.Timeout | null = null;
  private reported = false;
  private checking: Promise<OutputFault | null> | null = null;

  constructor(private readonly opts: OutputGuardOptions) {
    this.reservePath = join(opts.dir, RESERVE_FILE);
  }

  /** Call once the folder exists. A disk too full for the reserve is reported at once. */
  async start(): Promise<void> {
    const s = await stat(this.opts.dir);
    this.identity = { dev: s.dev, ino: s.ino };
    try {
      await writeFile(this.reservePath, Buffer.alloc(this.opts.reserveBytes ?? 4 * 1024 * 1024));
    } catch (err) {
      await unlink(this.reservePath).catch(() => undefined);
      this.noteWriteError(err);
    }
    this.timer = setInterval(() => void this.check(), this.opts.intervalMs ?? 1000);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** A writer failed: ENOSPC is a full disk; ENOENT means the folder may be gone (checked). */
  noteWriteError(err: unknown): void {
    const code = (err as NodeJS.ErrnoException | null)?.code ?? '';
    if (NO_SPACE.has(code)) this.report({ sub_code: 'disk_full', detail: { free_bytes: 0, cause: `a write failed with ${code}` } });
    else if (GONE.has(code)) void this.check();
  }

  /** Looks now; reports and returns the fault, if any. Concurrent calls share one look. */
  check(): Promise<OutputFault | null> {
    this.checking ??= this.look().finally(() => {
      this.checking = null;
    });
    return this.checking;
  }

  /** Gives the reserve back to the disk, for the bot's last writes. */
  async releaseReserve(): Promise<void> {
    await unlink(this.reservePath).catch(() => undefined);
  }

  /**
   * The folder is gone: make it again so the bot's last words have a place, let the event log rewrite its whole
   * history there (`reattach`), and save the segment ffmpeg still holds open.
   */
  async restore(reattach: () => void): Promise<void> {
    try {
      await mkdir(this.opts.dir, { recursive: true });
      reattach();
      await rescueDeletedSegments(this.opts.dir, this.opts.log);
    } catch (err) {
      this.opts.log.error('could not recreate the output folder', { error: String(err) });
    }
  }

  private async look(): Promise<OutputFault | null> {
    const fault = await this.diagnose();
    if (fault) this.report(fault);
    return fault;
  }

  private async diagnose(): Promise<OutputFault | null> {
    const dir = this.opts.dir;
    try {
      const s = await stat(dir);
      if (this.identity && (s.dev !== this.identity.dev || s.ino !== this.identity.ino)) {
        return { sub_code: 'output_dir_lost', detail: { dir, cause: 'the folder was replaced by another one' } };
      }
      const fs = await statfs(dir);
      const free = fs.bavail * fs.bsize;
      if (free < (this.opts.minFreeBytes ?? 1024 * 1024)) {
        return { sub_code: 'disk_full', detail: { free_bytes: free, cause: 'no free space left on the output disk' } };
      }
      return null;
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? String(err);
      if (GONE.has(code)) return { sub_code: 'output_dir_lost', detail: { dir, cause: `the folder is gone (${code})` } };
      this.opts.log.warn('output folder check failed', { error: String(err) });
      return null;
    }
  }

  private report(fault: OutputFault): void {
    if (this.reported) return;
    this.reported = true;
    this.stop();
    this.opts.log.error(fault.sub_code === 'disk_full' ? 'the output disk is full' : 'the output folder is gone', fault.detail);
    this.opts.onFault(fault);
  }
}
