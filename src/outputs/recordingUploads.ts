import { basename, join } from 'node:path';
import { nowIso } from '../events/botEvents.js';
import type { EventLog } from '../events/eventLog.js';
import { withTimeout } from '../util/async.js';
import type { Logger } from '../util/log.js';
import { FileUpload, type UploadRecord } from './fileUpload.js';
import type { ObjectStoreSettings } from '../config/objectStoreSettings.js';
import { objectUri, openObjectStore, type ObjectStore, type UploadTarget } from './objectStore.js';
import { UPLOAD_DIR, unfinishedJournals, uploadedBytes, type UploadJournal } from './uploadJournal.js';

/** S3's smallest part (all but the last): the most a killed bot can have recorded that is not in the bucket yet. */
export const PART_SIZE = 5 * 1024 * 1024;
/** How long the end of the bot waits for uploads still running: the last part and the completion. */
export const UPLOAD_END_WAIT_MS = 5000;
/** After the wait, stopped uploads get this long to let go of their file. */
const STOP_GRACE_MS = 1000;

export interface RecordingUploadsOptions {
  outDir: string;
  settings: ObjectStoreSettings;
  events: EventLog;
  log: Logger;
  endWaitMs?: number;
  partSize?: number;
  /** How often a growing file is looked at (default 1 s). */
  pollMs?: number;
}

/**
 * The recording files of one bot going to the bucket: each one followed by its own resumable multipart upload
 * (FileUpload) while it is recorded, the uploads an earlier run in the same output folder left unfinished
 * carried on, and at the end one bounded wait. Each upload that completes is a `recording.uploaded` event;
 * one that the store refuses, or that the end leaves unfinished, is a `recording_not_uploaded` warning. The
 * recording in the output folder is never touched.
 */
export class RecordingUploads {
  private readonly uploads: FileUpload[] = [];
  private store: Promise<ObjectStore> | null = null;
  private leftovers: Promise<void> = Promise.resolve();
  private finishing: Promise<void> | null = null;

  constructor(private readonly o: RecordingUploadsOptions) {}

  private get uploadDir(): string {
    return join(this.o.outDir, UPLOAD_DIR);
  }

  /** Carries on, in the background, what an earlier run in this folder did not finish uploading. */
  resumeLeftovers(): void {
    this.leftovers = unfinishedJournals(this.uploadDir).then(({ journals, unreadable }) => {
      if (unreadable.length) this.o.log.warn('upload: unreadable journals left alone', { files: unreadable });
      for (const journal of journals) {
        this.o.log.info('upload: carrying on an earlier upload', { file: journal.file, uri: objectUri(journal), uploaded_bytes: uploadedBytes(journal) });
        this.add(journal);
      }
    });
  }

  /** Starts uploading `file` while it is written. */
  follow(file: string, target: UploadTarget): void {
    if (this.finishing) {
      this.o.log.warn('upload: a file started after the end is not uploaded', { file });
      return;
    }
    const name = basename(file);
    const journal: UploadJournal = {
      version: 1,
      file: name,
      // Unique in the folder: a later run may record a file of the same name while this one is carried on.
      data: `${Date.now().toString(36)}-${name}`,
      bucket: target.bucket,
      key: target.key,
      content_type: target.contentType,
      part_size: this.o.partSize ?? PART_SIZE,
      upload_id: null,
      parts: [],
      completed: null,
      failed: null,
    };
    this.add(journal, file);
  }

  /** `file` is final: its upload sends the rest and completes. */
  close(file: string): void {
    const name = basename(file);
    for (const u of this.uploads) if (u.journal.file === name) u.close();
  }

  /**
   * Once the recording has stopped: every file is final, and the uploads get UPLOAD_END_WAIT_MS to finish;
   * those still running then are stopped, resumable from the output folder. Idempotent.
   */
  finish(): Promise<void> {
    this.finishing ??= this.doFinish();
    return this.finishing;
  }

  /** Ends every upload where it is (teardown). */
  stop(): void {
    for (const u of this.uploads) u.stop();
  }

  /** Every upload of this run, leftovers carried on included, for the manifest. */
  records(): UploadRecord[] {
    return this.uploads.map((u) => u.record);
  }

  private async doFinish(): Promise<void> {
    await this.leftovers.catch((err: unknown) => this.o.log.warn('upload: could not look for earlier uploads', { error: String(err) }));
    for (const u of this.uploads) u.close();
    const all = Promise.all(this.uploads.map((u) => u.done));
    const waitMs = this.o.endWaitMs ?? UPLOAD_END_WAIT_MS;
    if (await withTimeout(all, waitMs, 'uploads').then(() => true, () => false)) return;
    this.stop();
    await withTimeout(all, STOP_GRACE_MS, 'stopped uploads').catch(() => this.o.log.warn('upload: a stopped upload did not let go of its file'));
  }

  private add(journal: UploadJournal, source?: string): void {
    this.uploads.push(
      new FileUpload({
        uploadDir: this.uploadDir,
        journal,
        ...(source !== undefined ? { source } : {}),
        store: () => (this.store ??= openObjectStore(this.o.settings)),
        log: this.o.log,
        pollMs: this.o.pollMs ?? 1000,
        onEnd: (u) => this.report(u),
      }),
    );
  }

  private report(u: FileUpload): void {
    const r = u.record;
    if (r.status === 'uploaded') {
      this.o.log.info('upload: complete', { file: r.file, uri: r.uri, size_bytes: r.size_bytes });
      this.o.events.emit({ event: 'recording.uploaded', created_at: nowIso(), file: r.file, bucket: r.bucket, key: r.key, uri: r.uri, size_bytes: r.size_bytes, etag: r.etag ?? '' });
      return;
    }
    const message =
      r.status === 'failed'
        ? `${r.file} could not be uploaded to ${r.uri}: ${r.error ?? 'unknown error'}; the recording stays in the output folder`
        : `${r.file} was not completely uploaded to ${r.uri} when the bot ended (${r.size_bytes} bytes in the store); ` +
          `the output folder keeps the recording, and the upload carries on in a bot started again on that folder`;
    this.o.log.warn(`upload: ${message}`);
    this.o.events.emit({ event: 'bot.warning', created_at: nowIso(), kind: 'recording_not_uploaded', message, file: r.file, uri: r.uri });
  }
}
