import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, openSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/**
 * Writes JSON so that readers (and a crash) only ever see the old file or the whole new one: serialise first,
 * write and fsync a temp file beside the target, then rename over it (atomic on one filesystem). Synchronous
 * so it also works on the bot's last way out. Throws on failure, leaving the previous file as it was.
 */
export function writeJsonAtomic(path: string, value: unknown, mode = 0o644): void {
  const bytes = Buffer.from(JSON.stringify(value, null, 2) + '\n');
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    const fd = openSync(tmp, 'wx', mode);
    try {
      for (let off = 0; off < bytes.length; ) off += writeSync(fd, bytes, off);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path);
  } catch (err) {
    try {
      unlinkSync(tmp);
    } catch {
      /* never created, or already renamed */
    }
    throw err;
  }
}
