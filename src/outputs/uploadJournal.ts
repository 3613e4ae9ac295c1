import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeJsonAtomic } from './atomicWrite.js';
import type { UploadedPart } from './objectStore.js';

/** The folder inside the output folder that holds what an upload needs to carry on: its journal and its file. */
export const UPLOAD_DIR = 'upload';

/**
 * Everything needed to carry an upload on in another process: where it goes, the store's upload id, and the
 * parts the store has confirmed, in order (part n holds the file's bytes from the sum of the sizes before it).
 * Rewritten atomically after each confirmed part, so it never claims a part the store has not got.
 */
export interface UploadJournal {
  version: 1;
  /** The file recorded (e.g. recording.part000.mp4). */
  file: string;
  /** Name, in the upload folder, of the hard link that keeps the file's bytes until the upload is complete. */
  data: string;
  bucket: string;
  key: string;
  content_type: string;
  part_size: number;
  /** null until the store has created the upload. */
  upload_id: string | null;
  parts: UploadedPart[];
  completed: { etag: string; size_bytes: number; at: string } | null;
  /** Why the store refused the upload (it is not resumed). */
  failed: string | null;
}

export function journalFile(uploadDir: string, journal: Pick<UploadJournal, 'data'>): string {
  return join(uploadDir, `${journal.data}.json`);
}

export function saveJournal(uploadDir: string, journal: UploadJournal): void {
  writeJsonAtomic(journalFile(uploadDir, journal), journal);
}

export function uploadedBytes(journal: Pick<UploadJournal, 'parts'>): number {
  return journal.parts.reduce((sum, p) => sum + p.size, 0);
}

/** Journals of uploads neither complete nor refused, oldest first; unreadable ones are named in `unreadable`. */
export async function unfinishedJournals(uploadDir: string): Promise<{ journals: UploadJournal[]; unreadable: string[] }> {
  const names = (await readdir(uploadDir).catch(() => [] as string[])).filter((n) => n.endsWith('.json')).sort();
  const journals: UploadJournal[] = [];
  const unreadable: string[] = [];
  for (const name of names) {
    try {
      const journal = JSON.parse(await readFile(join(uploadDir, name), 'utf8')) as UploadJournal;
      if (journal.version !== 1) throw new Error(`version ${String(journal.version)}`);
      if (!journal.completed && !journal.failed) journals.push(journal);
    } catch {
      unreadable.push(name);
    }
  }
  return { journals, unreadable };
}
