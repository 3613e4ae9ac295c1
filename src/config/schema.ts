/**
 * The Create Bot body: ONE strict zod object that accepts both documented shapes (Recall.ai v1.11 and Attendee;
 * /work/shared/reference/bot-api.md sections 2-6). Every field carries a description (and its documented
 * default) because the same schema generates `meetbot schema` and the configuration reference.
 *
 * The schema only validates; it fills no defaults (`.default()` would hide which fields the client sent, and
 * automatic-leave defaults depend on the API). `normalize.ts` turns a valid body into a BotSpec. Rules that
 * need options or several top-level fields at once live in `crossChecks.ts`.
 */
import { z } from 'zod';
import { attendeeShape } from './attendeeSchema.js';
import { DEFAULT_BOT_NAME } from './defaults.js';
import { doc, hasVisibleText, MAX_URL, NO_CONTROL, stringMap } from './fields.js';
import { recallShape } from './recallSchema.js';

export { ATTENDEE_WEBHOOK_TRIGGERS } from './attendeeSchema.js';
export { RECALL_PARTICIPANT_EVENTS, RECALL_WEBSOCKET_EVENTS } from './recallRealtimeSchema.js';

const sharedShape = {
  meeting_url: doc(
    z.string().min(1).max(MAX_URL),
    'Meeting link: Google Meet (meet.google.com/abc-defg-hij), Zoom (zoom.us/j/<id>?pwd=...), Webex (<site>.webex.com/...) or Microsoft Teams (teams.microsoft.com/l/meetup-join/..., teams.microsoft.com/meet/<id>?p=..., teams.live.com/meet/<id>?p=...; launcher, /v2/, light-meetings, government-cloud and Safe Links forms are rewritten). https only, at most 2048 characters.',
  ),
  bot_name: doc(
    z
      .string()
      .min(1, { abort: true })
      .max(100)
      .regex(NO_CONTROL, { error: 'must not contain control characters or line breaks' })
      .refine(hasVisibleText, { error: 'must not be blank' }),
    'Display name in the meeting, 1..100 characters (Attendee bodies: no characters above U+FFFF).',
    DEFAULT_BOT_NAME,
  ),
  join_at: doc(
    z.iso.datetime({ offset: true }).nullable(),
    'ISO-8601 time with a time zone, e.g. 2025-06-13T12:00:00Z. When to click join: a bot started before it waits at the pre-join screen until then (meetbot serve starts scheduled bots --warm-start seconds early).',
    null,
  ),
  metadata: doc(
    stringMap(50, 1000),
    'String-to-string metadata echoed in webhooks and realtime payloads (meetbot bound: 50 keys, values up to 1000 characters; Attendee bodies: at least one key and at most 1000 characters of JSON).',
    {},
  ),
};

const optionalShape = <S extends Record<string, z.ZodType>>(shape: S) =>
  Object.fromEntries(Object.entries(shape).map(([k, v]) => [k, v.optional()])) as {
    [K in keyof S]: z.ZodOptional<S[K]>;
  };

export const botConfigSchema = z
  .strictObject({
    meeting_url: sharedShape.meeting_url,
    ...optionalShape({ bot_name: sharedShape.bot_name, join_at: sharedShape.join_at, metadata: sharedShape.metadata }),
    ...recallShape,
    ...optionalShape(attendeeShape),
  })
  .describe('Create Bot request body: Recall.ai and Attendee fields in one object.');

export type BotConfig = z.output<typeof botConfigSchema>;

/** Top-level fields only Attendee has: any of them present makes the body an Attendee body. */
export const ATTENDEE_FIELDS: readonly string[] = Object.keys(attendeeShape);

/** Top-level fields only Recall has. */
export const RECALL_FIELDS: readonly string[] = Object.keys(recallShape);
