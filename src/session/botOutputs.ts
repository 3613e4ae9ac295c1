import { basename } from 'node:path';
import type { BotSpec } from '../config/botSpec.js';
import type { ControlChannel } from '../control/channel.js';
import type { ParticipantRef } from '../events/botEvents.js';
import type { EventLog } from '../events/eventLog.js';
import type { StatusEvent } from '../lifecycle/machine.js';
import type { ChatMessageSeen } from '../platform/adapter.js';
import type { RecordingResult } from '../capture/recorder.js';
import type { HealthAssessment } from '../outputs/recordingHealth.js';
import { WebhookDispatcher } from '../outputs/webhooks.js';
import { RealtimeHub } from '../outputs/realtime.js';
import { RecordingUploads } from '../outputs/recordingUploads.js';
import {
  appendChatMessage,
  buildManifest,
  buildParticipants,
  writeManifest,
  writeParticipants,
  type ManifestTimings,
  type ParticipantObservation,
  type RecordingFacts,
} from '../outputs/artifacts.js';
import type { Logger } from '../util/log.js';
import type { ParticipantChange } from './meetingTracker.js';
import type { RuntimeOptions } from './runtimeOptions.js';
import { SegmentUploads } from './segmentUploads.js';

/**
 * How long the end of a bot waits for webhook deliveries in flight and for the service to acknowledge the
 * last events and the manifest, both at once (SIGTERM leaves 10 s in all).
 */
const REPORT_FLUSH_MS = 3000;

/**
 * Everything the bot reports beyond its status events: participant and chat events, the realtime
 * endpoints, status webhooks, the command channel to the service that started it (every event, then the
 * manifest), the recording's uploads to external storage, and the summary files of the output folder. A
 * fault in any of them is logged and never stops the bot.
 */
export class BotOutputs {
  /** The recording segments into the body's bucket while they are recorded (null: the body asks for none). */
  readonly segmentUploads: SegmentUploads | null;
  private readonly uploads: RecordingUploads;
  private webhooks: WebhookDispatcher | null = null;
  private realtime: RealtimeHub | null = null;
  private readonly observations: ParticipantObservation[] = [];
  /** The latest participant seen under each name: chat rows name their sender only (Meet has no ids there). */
  private readonly byName = new Map<string, ParticipantRef>();
  private recordingStartedAt: number | null = null;

  constructor(
    private readonly spec: BotSpec,
    private readonly opts: RuntimeOptions,
    private readonly events: EventLog,
    private readonly log: Logger,
    private readonly control: ControlChannel | null,
  ) {
    // From the first event on, whatever happens to the output folder: the service hears of every end.
    if (control) events.onEvent((e) => control.report(e));
    this.uploads = new RecordingUploads({ outDir: opts.outDir, settings: opts.objectStore, events, log: log.child('upload') });
    this.segmentUploads = SegmentUploads.for(spec, opts.botId, this.uploads);
  }

  start(): void {
    this.uploads.resumeLeftovers();
    const endpoints = [...this.spec.webhooks, ...(this.opts.webhookUrl ? [{ url: this.opts.webhookUrl, triggers: ['*'] }] : [])];
    if (endpoints.length > 0) {
      const webhooks = new WebhookDispatcher({
        endpoints,
        secret: this.opts.webhookSecret,
        botId: this.opts.botId,
        metadata: this.spec.metadata,
        eventLog: this.events,
        log: this.log.child('webhooks'),
      });
      this.webhooks = webhooks;
      this.events.onEvent((e) => webhooks.handle(e));
    }
    if (this.spec.realtime_endpoints.length > 0) {
      this.realtime = new RealtimeHub({
        endpoints: this.spec.realtime_endpoints,
        botId: this.opts.botId,
        metadata: this.spec.metadata,
        log: this.log.child('realtime'),
      });
    }
  }

  /** One warning, when the bot starts, listing the accepted fields it does not act on. */
  reportUnsupported(): void {
    if (this.spec.unsupported.length === 0) return;
    this.events.emit({
      event: 'bot.warning',
      created_at: new Date().toISOString(),
      kind: 'unsupported_fields',
      message: 'these fields were accepted but meetbot does not act on them',
      fields: this.spec.unsupported,
    });
  }

  recordingStarted(): void {
    this.recordingStartedAt = Date.now();
  }

  audio(frame: { pcm: Buffer; relativeMs: number; capturedAt: Date }): void {
    this.realtime?.audio({ pcm: frame.pcm, relativeSec: frame.relativeMs / 1000, capturedAt: frame.capturedAt });
  }

  participant(change: ParticipantChange): void {
    const at = new Date();
    const p: ParticipantRef = { id: change.participant.id, name: change.participant.name };
    // Speaking counts as a sighting in participants.json; joins and leaves are kept as such.
    const kind = change.kind === 'join' || change.kind === 'leave' ? change.kind : 'seen';
    this.observations.push({ kind, participant: p, at: at.toISOString() });
    if (change.kind === 'join') this.byName.set(p.name, p);
    this.events.emit({ event: `participant_events.${change.kind}`, created_at: at.toISOString(), participant: p });
    this.realtime?.participantEvent(change.kind, p, this.realtimeTime(at));
  }

  chatSeen(msg: ChatMessageSeen): void {
    if (msg.from_self) return; // recorded when sent
    const at = new Date();
    this.writeChat({ at: at.toISOString(), sender: msg.sender, text: msg.text, from_bot: false });
    // The sender's own participant when known, so a receiver sees the same id as in their join event.
    const p = this.byName.get(msg.sender) ?? { id: msg.sender, name: msg.sender };
    this.events.emit({ event: 'participant_events.chat_message', created_at: at.toISOString(), participant: p, data: { text: msg.text, to: 'everyone' } });
    this.realtime?.participantEvent('chat_message', p, this.realtimeTime(at), { text: msg.text, to: 'everyone' });
  }

  chatSent(text: string): void {
    this.writeChat({ at: new Date().toISOString(), sender: this.spec.bot_name, text, from_bot: true });
  }

  /**
   * After the final status: the bounded wait for uploads (already over when the recording stopped), then
   * participants.json, manifest.json, and a bounded wait for webhooks and the service.
   */
  async finalize(
    statusEvents: readonly StatusEvent[],
    recording: { result: RecordingResult | null; assessment: HealthAssessment | null } | null,
    exitCode: number,
    extra: { timings_ms: ManifestTimings; versions: Record<string, string> },
  ): Promise<void> {
    const endedAt = statusEvents.at(-1)?.created_at;
    await this.uploads.finish();
    const uploads = this.uploads.records();
    try {
      writeParticipants(this.opts.outDir, buildParticipants(this.observations, endedAt));
      const manifest = buildManifest({
        botId: this.opts.botId,
        spec: this.spec,
        statusEvents,
        recording: recording?.result ? this.recordingFacts(recording.result, recording.assessment) : null,
        exitCode,
        versions: { node: process.version, ...extra.versions },
        timings_ms: extra.timings_ms,
        realtime: this.realtime?.stats() ?? null,
        uploads: this.spec.external_storage || uploads.length ? uploads : null,
      });
      writeManifest(this.opts.outDir, manifest);
      this.control?.reportManifest(manifest);
    } catch (err) {
      this.log.error('could not write the summary files', { error: String(err) });
    }
    await Promise.all([this.webhooks?.flush(REPORT_FLUSH_MS), this.control?.flush(REPORT_FLUSH_MS)]);
  }

  async close(): Promise<void> {
    this.uploads.stop();
    this.control?.close();
    await this.realtime?.close().catch(() => undefined);
  }

  private recordingFacts(r: RecordingResult, assessment: HealthAssessment | null): RecordingFacts | null {
    if (!r.file) return null;
    const start = this.recordingStartedAt ?? Date.now();
    return {
      file: basename(r.file),
      duration_sec: r.durationSec,
      codecs: { video: r.video?.codec ?? null, audio: r.audio?.codec ?? null },
      size_bytes: r.sizeBytes,
      gaps: r.gaps.map((g) => ({ start_sec: (Date.parse(g.startedAt) - start) / 1000, duration_sec: g.durationMs / 1000 })),
      health: assessment?.health ?? null,
    };
  }

  private realtimeTime(at: Date) {
    return { relativeSec: this.recordingStartedAt === null ? 0 : (at.getTime() - this.recordingStartedAt) / 1000, capturedAt: at };
  }

  private writeChat(record: { at: string; sender: string; text: string; from_bot: boolean }): void {
    try {
      appendChatMessage(this.opts.outDir, record);
    } catch (err) {
      this.log.warn('could not write chat.jsonl', { error: String(err) });
    }
  }
}
