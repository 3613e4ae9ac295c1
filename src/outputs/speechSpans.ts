import type { LoggedEvent } from '../events/botEvents.js';

/** A stretch of wall-clock time, ms. */
export interface WallSpan {
  startMs: number;
  endMs: number;
}

/**
 * When anyone other than the bot was speaking, from the bot's own `participant_events.speech_on` / `speech_off`
 * / `leave` events (the page's speaking indicators): the union over participants, in order. Someone still
 * speaking at `untilMs` is counted up to then.
 */
export function speechSpans(events: readonly LoggedEvent[], untilMs: number): WallSpan[] {
  const speaking = new Set<string>();
  const spans: WallSpan[] = [];
  let since: number | null = null;
  for (const e of events) {
    if (!('participant' in e) || !e.event.startsWith('participant_events.')) continue;
    const at = Date.parse(e.created_at);
    if (e.event === 'participant_events.speech_on') speaking.add(e.participant.id);
    else if (e.event === 'participant_events.speech_off' || e.event === 'participant_events.leave') speaking.delete(e.participant.id);
    else continue;
    if (speaking.size > 0 && since === null) since = at;
    if (speaking.size === 0 && since !== null) {
      spans.push({ startMs: since, endMs: at });
      since = null;
    }
  }
  if (since !== null && untilMs > since) spans.push({ startMs: since, endMs: untilMs });
  return spans;
}
