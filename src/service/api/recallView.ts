import { isRecordingVerdict } from '../../lifecycle/codes.js';
import type { ArtifactRow } from '../store/artifacts.js';
import type { BotRow } from '../store/bots.js';
import type { StoredEvent } from '../store/events.js';

/** Recall's bot object (bot-api.md section 1): the config echo, `status_changes`, `recordings`. */
export interface RecallBot {
  id: string;
  bot_name: string;
  meeting_url: Record<string, string | null>;
  join_at: string | null;
  metadata: Record<string, string>;
  status_changes: { code: string; sub_code: string | null; message: string | null; created_at: string }[];
  recordings: RecallRecording[];
  [echo: string]: unknown;
}

export interface RecallRecording {
  id: string;
  created_at: string;
  started_at: string | null;
  completed_at: string | null;
  status: { code: 'processing' | 'done' | 'failed' | 'deleted'; sub_code: string | null; updated_at: string };
  media_shortcuts: Record<string, { id: string; status: { code: string }; data: { download_url: string | null } } | null>;
}

/** Body fields echoed back as sent (Recall returns the bot's configuration with it). */
const ECHOED = ['recording_config', 'automatic_leave', 'chat', 'output_media', 'variant', 'google_meet', 'zoom', 'webex', 'bot_image'];

export function recallBot(bot: BotRow, statusEvents: readonly StoredEvent[], recordings: RecallRecording[]): RecallBot {
  const echo = Object.fromEntries(ECHOED.filter((k) => bot.body[k] !== undefined).map((k) => [k, bot.body[k]]));
  return {
    id: bot.id,
    bot_name: bot.bot_name,
    meeting_url: bot.meeting,
    join_at: bot.join_at?.toISOString() ?? null,
    metadata: bot.metadata,
    ...echo,
    status_changes: statusEvents.map((e) => ({
      code: String(e.body.code),
      sub_code: typeof e.body.sub_code === 'string' ? e.body.sub_code : null,
      message: typeof e.body.detail === 'object' && e.body.detail && 'message' in e.body.detail ? String(e.body.detail.message) : null,
      created_at: e.body.created_at,
    })),
    recordings,
  };
}

/**
 * The bot's one recording, as Recall lists it: processing while the bot records, done with a download URL once
 * the file is final, deleted after delete_media. `downloadUrl` signs a short-lived link for a stored artifact.
 */
export function recallRecordings(
  bot: BotRow,
  statusEvents: readonly StoredEvent[],
  recording: ArtifactRow | undefined,
  downloadUrl: (a: ArtifactRow) => string,
): RecallRecording[] {
  const started = statusEvents.find((e) => e.body.code === 'in_call_recording');
  if (!started) return [];
  const ended = statusEvents.find((e) => e.body.code === 'call_ended' || e.body.code === 'fatal');
  // A health verdict fails the recording even though its file is stored (and downloadable, to see why).
  const verdict = statusEvents.map((e) => (e.body.code === 'fatal' ? String(e.body.sub_code) : null)).find(isRecordingVerdict) ?? null;
  const code: RecallRecording['status']['code'] = recording?.deleted_at
    ? 'deleted'
    : recording && !verdict
      ? 'done'
      : bot.live
        ? 'processing'
        : 'failed';
  const url = recording && !recording.deleted_at ? downloadUrl(recording) : null;
  const kind = recording?.content_type.startsWith('audio/') ? 'audio_mixed' : 'video_mixed';
  return [
    {
      id: bot.id,
      created_at: started.body.created_at,
      started_at: started.body.created_at,
      completed_at: ended?.body.created_at ?? null,
      status: { code, sub_code: verdict, updated_at: (recording?.deleted_at ?? recording?.created_at ?? bot.updated_at).toISOString() },
      media_shortcuts: { [kind]: { id: bot.id, status: { code }, data: { download_url: url } } },
    },
  ];
}
