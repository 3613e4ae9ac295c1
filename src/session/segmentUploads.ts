import type { BotSpec } from '../config/botSpec.js';
import { recordingContainer, type RecordingContainer } from '../capture/ffmpegArgs.js';
import type { RecordingUploads } from '../outputs/recordingUploads.js';

const CONTENT_TYPES: Record<RecordingContainer, string> = { mp4: 'video/mp4', m4a: 'audio/mp4', mp3: 'audio/mpeg' };

/**
 * The object key of the recording segment numbered `index`: the body's key for segment 0, the first of the
 * output folder; for a later one (ffmpeg restarted, or a bot started again on the folder) the same key with
 * `.partNNN` before its extension, as the segment files are named.
 */
export function segmentObjectKey(baseKey: string, index: number): string {
  if (index === 0) return baseKey;
  const suffix = `.part${String(index).padStart(3, '0')}`;
  const dot = baseKey.lastIndexOf('.');
  return dot > baseKey.lastIndexOf('/') + 1 ? `${baseKey.slice(0, dot)}${suffix}${baseKey.slice(dot)}` : `${baseKey}${suffix}`;
}

/**
 * Each recording segment into the bucket the body named, as it is recorded: one object per segment, holding
 * the segment's own bytes (fragmented MP4, or MP3), so that the bucket gets them while the meeting goes on.
 */
export class SegmentUploads {
  private constructor(
    private readonly uploads: RecordingUploads,
    private readonly bucket: string,
    private readonly baseKey: string,
    private readonly contentType: string,
  ) {}

  /** null when the body asks for no external storage or nothing is recorded. */
  static for(spec: BotSpec, botId: string, uploads: RecordingUploads): SegmentUploads | null {
    const container = recordingContainer(spec.recording);
    if (!spec.external_storage || !container) return null;
    const { bucket, key } = spec.external_storage;
    return new SegmentUploads(uploads, bucket, key ?? `${botId}.${container}`, CONTENT_TYPES[container]);
  }

  started(file: string, index: number): void {
    this.uploads.follow(file, { bucket: this.bucket, key: segmentObjectKey(this.baseKey, index), contentType: this.contentType });
  }

  closed(file: string): void {
    this.uploads.close(file);
  }

  finish(): Promise<void> {
    return this.uploads.finish();
  }
}
