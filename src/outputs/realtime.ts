import { randomUUID } from 'node:crypto';
import WebSocket from 'ws';
import type { RealtimeEndpoint } from '../config/botSpec.js';
import type { ParticipantRef } from '../events/botEvents.js';
import type { Logger } from '../util/log.js';
import type { ReconnectPolicy } from './realtimeConnection.js';
import { RealtimeConnection } from './realtimeConnection.js';
import type { RealtimeParticipantKind, RecallParticipant, RecallRefs } from './realtimePayloads.js';
import {
  CAPTURE_SAMPLE_RATE,
  attendeeAudioFrame,
  recallAudioFrame,
  recallParticipantFrame,
  wantsAudio,
  wantsParticipantEvent,
} from './realtimePayloads.js';
import { redactUrl } from '../util/redactUrl.js';
import { delaySec, resamplePcm16, type ResampleState } from './resample.js';

/** Recall: up to 30 reconnect attempts, 3 s apart, then the endpoint is failed (bot-api.md 6.1). */
export const RECALL_RECONNECT: ReconnectPolicy = { attempts: 30, delayMs: 3_000 };
/** Per endpoint: about 20 s of Recall audio frames (≈ 45 kB/s with base64 and JSON). */
export const DEFAULT_MAX_BUFFERED_BYTES = 1024 * 1024;

export interface RealtimeHubOptions {
  endpoints: RealtimeEndpoint[];
  botId: string;
  metadata: Record<string, string>;
  log: Logger;
  reconnect?: ReconnectPolicy;
  maxBufferedBytes?: number;
  WebSocketImpl?: typeof WebSocket;
}

export interface AudioFrame {
  /** S16LE, 16 kHz, mono. */
  pcm: Buffer;
  /** Seconds since recording started. */
  relativeSec: number;
  capturedAt: Date;
}

export interface RealtimeStats {
  sent: number;
  dropped: number;
  reconnects: number;
  /** Endpoints given up after their reconnect attempts, without their query. */
  failedEndpoints: string[];
}

interface Target {
  endpoint: RealtimeEndpoint;
  conn: RealtimeConnection;
  refs: RecallRefs;
}

/**
 * Streams the bot's mixed audio and participant/chat events to its realtime websocket endpoints, in Recall's
 * or Attendee's dialect, each endpoint getting only what it subscribed to. Every call returns at once: a slow
 * or dead receiver costs dropped frames (counted in `stats`), never a stall of capture.
 */
export class RealtimeHub {
  private readonly targets: Target[];
  private readonly participantIds = new Map<string, number>();
  /** One resampling stream per output rate, carried across frames so chunk edges stay seamless. */
  private readonly resampleStates = new Map<number, ResampleState>();
  private closed = false;

  constructor(private readonly opts: RealtimeHubOptions) {
    const log = opts.log.child('realtime');
    const recording = { id: randomUUID(), metadata: {} };
    const audioMixed = { id: randomUUID(), metadata: {} };
    const participantEvents = { id: randomUUID(), metadata: {} };
    const bot = { id: opts.botId, metadata: opts.metadata };
    this.targets = opts.endpoints.map((endpoint) => ({
      endpoint,
      conn: new RealtimeConnection({
        url: endpoint.url,
        shownUrl: redactUrl(endpoint.url),
        reconnect: opts.reconnect ?? RECALL_RECONNECT,
        maxBufferedBytes: opts.maxBufferedBytes ?? DEFAULT_MAX_BUFFERED_BYTES,
        log,
        WebSocketImpl: opts.WebSocketImpl ?? WebSocket,
      }),
      refs: {
        realtime_endpoint: { id: randomUUID(), metadata: endpoint.metadata },
        recording,
        bot,
        audio_mixed: audioMixed,
        participant_events: participantEvents,
      },
    }));
  }

  audio(frame: AudioFrame): void {
    if (this.closed) return;
    // Encoded once per sample rate, however many endpoints want it.
    const encoded = new Map<number, string>();
    const encode = (rate: number): string => {
      let b64 = encoded.get(rate);
      if (b64 === undefined) {
        let pcm = frame.pcm;
        if (rate !== CAPTURE_SAMPLE_RATE) {
          const r = resamplePcm16(frame.pcm, CAPTURE_SAMPLE_RATE, rate, this.resampleStates.get(rate));
          this.resampleStates.set(rate, r.state);
          pcm = r.pcm;
        }
        b64 = pcm.toString('base64');
        encoded.set(rate, b64);
      }
      return b64;
    };
    for (const t of this.targets) {
      if (!wantsAudio(t.endpoint)) continue;
      if (t.conn.refusing) {
        t.conn.drop(1);
        continue;
      }
      t.conn.send(
        t.endpoint.format === 'attendee'
          ? attendeeAudioFrame(
              this.opts.botId,
              encode(t.endpoint.sample_rate),
              t.endpoint.sample_rate,
              // A resampled chunk starts the filter's delay (≤ 2 ms) before the captured one.
              frame.capturedAt.getTime() - Math.round(delaySec(CAPTURE_SAMPLE_RATE, t.endpoint.sample_rate) * 1000),
            )
          : recallAudioFrame(t.refs, encode(CAPTURE_SAMPLE_RATE), frame),
      );
    }
  }

  participantEvent(
    kind: RealtimeParticipantKind,
    p: ParticipantRef,
    at: { relativeSec: number; capturedAt: Date },
    data?: { text: string; to: string },
  ): void {
    if (this.closed) return;
    const participant: RecallParticipant = {
      id: this.numericId(p.id),
      name: p.name,
      // Required by Recall's format; no page tells meetbot who hosts, so it is never claimed.
      is_host: false,
      platform: null,
      // Our own id, so a receiver can match this participant with participants.json.
      extra_data: { participant_id: p.id },
    };
    for (const t of this.targets) {
      if (!wantsParticipantEvent(t.endpoint, kind)) continue;
      if (t.conn.refusing) {
        t.conn.drop(1);
        continue;
      }
      t.conn.send(recallParticipantFrame(t.refs, kind, participant, at, data ?? null));
    }
  }

  stats(): RealtimeStats {
    const s: RealtimeStats = { sent: 0, dropped: 0, reconnects: 0, failedEndpoints: [] };
    for (const t of this.targets) {
      s.sent += t.conn.sent;
      s.dropped += t.conn.dropped;
      s.reconnects += t.conn.reconnects;
      if (t.conn.failed) s.failedEndpoints.push(redactUrl(t.endpoint.url));
    }
    return s;
  }

  /** Closes every endpoint (frames already handed to a socket are sent first). Calls after this are ignored. */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.targets.map((t) => t.conn.close()));
  }

  /** Recall's participant ids are numbers: each distinct id gets the next one, stable for the bot's life. */
  private numericId(id: string): number {
    let n = this.participantIds.get(id);
    if (n === undefined) {
      n = this.participantIds.size + 1;
      this.participantIds.set(id, n);
    }
    return n;
  }
}
