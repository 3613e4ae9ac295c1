import { link, mkdir, open, rm, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from '../util/log.js';
import { describeStoreError, objectUri, storeFailure, type ObjectStore, type UploadTarget } from './objectStore.js';
import { saveJournal, uploadedBytes, type UploadJournal } from './uploadJournal.js';

/** After a failed call: wait 1 s, doubling up to 30 s, for as long as the upload runs. */
const RETRY_FIRST_MS = 1000;
const RETRY_MAX_MS = 30_000;

export type FileUploadState = 'running' | 'uploaded' | 'failed' | 'incomplete';

/** One upload as the manifest reports it. */
export interface UploadRecord {
  file: string;
  bucket: string;
  key: string;
  uri: string;
  /** `incomplete`: stopped before the end (resumable from the output folder); `failed`: the store refused it. */
  status: Exclude<FileUploadState, 'running'>;
  /** The object's size once uploaded; before that, the bytes the store has confirmed. */
  size_bytes: number;
  etag: string | null;
  upload_id: string | null;
  error: string | null;
}

export interface FileUploadOptions {
  uploadDir: string;
  journal: UploadJournal;
  /** The file being recorded, to link into the upload folder; absent when carrying on an earlier run's upload. */
  source?: string;
  store: () => Promise<ObjectStore>;
  log: Logger;
  /** How often a growing file is looked at for a new part. */
  pollMs: number;
  /** Called once, when the upload ends whichever way. */
  onEnd: (upload: FileUpload) => void;
}

/**
 * One file into one multipart upload, while it is still being written: every `part_size` bytes that reach the
 * disk become the next part, and once the file is final (close(), or at once for an earlier run's file) the
 * rest is the last part and the upload is completed. The file is hard-linked into the upload folder first, so
 * its bytes outlive the recorder deleting it after joining the segments, and the journal beside it records
 * each part the store confirmed: an interrupted upload (network errors, a stop, a killed process) carries on
 * from its last confirmed part, in this process or in the next one given the same folder. Store calls that
 * fail are retried with backoff until the store answers or the upload is stopped; a store that refuses
 * (no bucket, no access) ends it `failed`.
 */
export class FileUpload {
  state: FileUploadState = 'running';
  error: string | null = null;
  readonly done: Promise<void>;
  private final: boolean;
  private readonly abort = new AbortController();
  private wake: (() => void) | null = null;
  private nudged = false;
  private journalWriteFailed = false;

  constructor(private readonly o: FileUploadOptions) {
    this.final = o.source === undefined;
    this.done = this.run()
      .catch((err: unknown) => this.fail(`unexpected: ${describeStoreError(err)}`))
      .finally(() => o.onEnd(this));
  }

  get journal(): Readonly<UploadJournal> {
    return this.o.journal;
  }

  private get target(): UploadTarget {
    const j = this.o.journal;
    return { bucket: j.bucket, key: j.key, contentType: j.content_type };
  }

  get record(): UploadRecord {
    const j = this.o.journal;
    return {
      file: j.file,
      bucket: j.bucket,
      key: j.key,
      uri: objectUri(j),
      status: this.state === 'running' ? 'incomplete' : this.state,
      size_bytes: j.completed?.size_bytes ?? uploadedBytes(j),
      etag: j.completed?.etag ?? null,
      upload_id: j.upload_id,
      error: this.error,
    };
  }

  /** The file will not grow any more: upload the rest and complete. */
  close(): void {
    this.final = true;
    this.nudge();
  }

  /** Ends the upload where it is (the call under way is aborted); the folder keeps what a later run needs. */
  stop(): void {
    this.abort.abort();
    this.nudge();
  }

  private get dataFile(): string {
    return join(this.o.uploadDir, this.o.journal.data);
  }

  private async run(): Promise<void> {
    let file: FileHandle;
    try {
      file = await this.openData();
    } catch (err) {
      this.fail(`the file to upload cannot be read: ${describeStoreError(err)}`);
      return;
    }
    try {
      await this.uploadWhileRunning(file);
    } finally {
      await file.close();
    }
    if (this.state === 'running') this.state = 'incomplete';
  }

  private async openData(): Promise<FileHandle> {
    if (this.o.source !== undefined) {
      await mkdir(this.o.uploadDir, { recursive: true });
      await link(this.o.source, this.dataFile);
      this.save();
    }
    return open(this.dataFile, 'r');
  }

  private async uploadWhileRunning(file: FileHandle): Promise<void> {
    let retryMs = RETRY_FIRST_MS;
    while (this.state === 'running' && !this.abort.signal.aborted) {
      try {
        const progressed = await this.step(file);
        if (retryMs > RETRY_FIRST_MS) this.o.log.info('upload: the store answers again', { file: this.o.journal.file });
        retryMs = RETRY_FIRST_MS;
        if (!progressed) await this.pause(this.o.pollMs);
      } catch (err) {
        if (this.abort.signal.aborted) return;
        const why = describeStoreError(err);
        const failure = storeFailure(err);
        if (failure === 'give_up') return this.fail(why);
        if (failure === 'restart') {
          this.o.log.warn('upload: the store lost the upload; starting it again', { file: this.o.journal.file, error: why });
          Object.assign(this.o.journal, { upload_id: null, parts: [] });
          this.save();
          continue;
        }
        // One warning per run of failures; the retries of a store that stays down go to debug.
        const fields = { file: this.o.journal.file, error: why, retry_in_ms: retryMs };
        if (retryMs === RETRY_FIRST_MS) this.o.log.warn('upload: store call failed; retrying', fields);
        else this.o.log.debug('upload: store call failed again; retrying', fields);
        await this.pause(retryMs);
        retryMs = Math.min(retryMs * 2, RETRY_MAX_MS);
      }
    }
  }

  /**
   * Creates the upload (at once, so that a store that refuses says so when the recording starts), uploads the
   * next part, or completes the upload once the file is final and every byte is in a part. Returns false when
   * there is nothing to do until the file grows.
   */
  private async step(file: FileHandle): Promise<boolean> {
    const j = this.o.journal;
    if (j.upload_id === null) {
      j.upload_id = await (await this.o.store()).createUpload(this.target, this.abort.signal);
      this.save();
      return true;
    }
    // Read before the size: a file that was final before the stat has all of its bytes in it.
    const final = this.final;
    const size = (await file.stat()).size;
    const offset = uploadedBytes(j);
    const left = size - offset;
    if (left < 0) {
      this.fail(`the file holds ${size} bytes, fewer than the ${offset} already uploaded`);
      return true;
    }
    if (left >= j.part_size || (final && (left > 0 || j.parts.length === 0))) {
      await this.uploadPart(file, offset, Math.min(left, j.part_size));
      return true;
    }
    if (!final) return false;
    await this.complete(size);
    return true;
  }

  private async uploadPart(file: FileHandle, offset: number, size: number): Promise<void> {
    const j = this.o.journal;
    const store = await this.o.store();
    const body = Buffer.allocUnsafe(size);
    for (let read = 0; read < size; ) {
      const { bytesRead } = await file.read(body, read, size - read, offset + read);
      if (bytesRead === 0) throw new Error(`the file ended at ${offset + read} bytes while reading a part`);
      read += bytesRead;
    }
    const number = j.parts.length + 1;
    const etag = await store.uploadPart(this.target, j.upload_id!, number, body, this.abort.signal);
    j.parts.push({ number, size, etag });
    this.save();
    this.o.log.debug('upload: part confirmed', { file: j.file, part: number, offset, size });
  }

  private async complete(size: number): Promise<void> {
    const j = this.o.journal;
    const store = await this.o.store();
    const etag = await store.completeUpload(this.target, j.upload_id!, j.parts, this.abort.signal);
    j.completed = { etag, size_bytes: size, at: new Date().toISOString() };
    this.save();
    this.state = 'uploaded';
    await rm(this.dataFile, { force: true }).catch(() => undefined);
  }

  private fail(why: string): void {
    this.state = 'failed';
    this.error = why;
    this.o.journal.failed = why;
    this.save();
    // Nothing left to carry on: the recording itself stays in the output folder.
    void rm(this.dataFile, { force: true }).catch(() => undefined);
  }

  /** The journal is what lets another process carry on; failing to write it never stops the upload itself. */
  private save(): void {
    try {
      saveJournal(this.o.uploadDir, this.o.journal);
    } catch (err) {
      if (!this.journalWriteFailed) this.o.log.warn('upload: could not write the journal; a restarted bot could not carry this upload on', { file: this.o.journal.file, error: String(err) });
      this.journalWriteFailed = true;
    }
  }

  /** Cuts the current pause short, or the next one if the loop is busy: close() and stop() act at once. */
  private nudge(): void {
    this.nudged = true;
    this.wake?.();
  }

  private pause(ms: number): Promise<void> {
    if (this.nudged) {
      this.nudged = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wake = null;
        this.nudged = false;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wake = done;
    });
  }
}
