import { copyFile, readdir, readlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { segmentIndexOf } from '../capture/ffmpegArgs.js';
import { liveProcesses } from '../process/supervisor.js';
import type { Logger } from '../util/log.js';

/**
 * A recording whose folder was deleted is not lost yet: the running ffmpeg still holds its segment open.
 * Copies every such segment, through /proc/<pid>/fd, back to its own path in the recreated folder, so the
 * recorder finalises it as if nothing had happened (minus what ffmpeg writes after the copy). Segments of
 * ffmpegs that already ended are gone with the folder. Returns the file names saved.
 */
export async function rescueDeletedSegments(dir: string, log: Logger): Promise<string[]> {
  const saved: string[] = [];
  for (const proc of liveProcesses()) {
    if (proc.name !== 'ffmpeg' || proc.pid === undefined) continue;
    const fdDir = `/proc/${proc.pid}/fd`;
    for (const fd of await readdir(fdDir).catch(() => [] as string[])) {
      const target = await readlink(join(fdDir, fd)).catch(() => '');
      const deleted = /^(.*) \(deleted\)$/.exec(target)?.[1];
      if (!deleted || dirname(deleted) !== dir || segmentIndexOf(basename(deleted)) === null) continue;
      try {
        await copyFile(join(fdDir, fd), deleted);
        saved.push(basename(deleted));
      } catch (err) {
        log.warn('could not save a segment of the deleted folder', { file: deleted, error: String(err) });
      }
    }
  }
  if (saved.length) log.info('saved the open segments of the deleted output folder', { files: saved });
  return saved;
}
