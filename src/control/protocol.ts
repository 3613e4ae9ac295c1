import { z } from 'zod';

/**
 * The command channel between a running bot and the service that started it: one websocket the bot opens to
 * the service's internal URL (so it works the same from a local process and from a Kubernetes pod), with the
 * bot's own token in `Authorization: Bearer <token>`. JSON text frames, one message each.
 *
 * Delivery is at least once and idempotent: the bot numbers everything it reports (`seq`, from 1, one counter
 * per run) and keeps it until the service acknowledges it; on every (re)connect the service's `welcome` says the
 * highest `seq` it has stored and the bot resends what follows. Commands carry an id the bot remembers, so a
 * command the service sends again after a reconnect is carried out once and answered again.
 */
export const CONTROL_PROTOCOL_VERSION = 1;

/** Path of the channel under the service's internal URL: `<internal>/bots/<bot id>/channel`. */
export function channelPath(botId: string): string {
  return `/internal/bots/${encodeURIComponent(botId)}/channel`;
}

const command = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('leave') }),
  z.strictObject({ kind: z.literal('send_chat_message'), text: z.string().min(1) }),
]);
export type BotCommand = z.infer<typeof command>;

/** Service → bot. */
export const serviceMessage = z.discriminatedUnion('type', [
  /** First message after the upgrade: the highest seq the service has stored for this bot (0: none). */
  z.strictObject({ type: z.literal('welcome'), version: z.number().int(), last_seq: z.number().int().min(0) }),
  /** Everything up to and including `seq` is stored. */
  z.strictObject({ type: z.literal('ack'), seq: z.number().int().min(1) }),
  z.strictObject({ type: z.literal('command'), command_id: z.string().min(1), command }),
]);
export type ServiceMessage = z.infer<typeof serviceMessage>;

/** A bot event as reported (docs/events.md): validated by the bot's own types, carried as an object. */
const reportedEvent = z.looseObject({ event: z.string().min(1), created_at: z.string() });

/** Bot → service. */
export const botMessage = z.discriminatedUnion('type', [
  /** One event of the bot's run, in order. */
  z.strictObject({ type: z.literal('event'), seq: z.number().int().min(1), event: reportedEvent }),
  /** The run's manifest.json, once the outputs are final; the final status (`done`, `fatal`) follows it. */
  z.strictObject({ type: z.literal('manifest'), seq: z.number().int().min(1), manifest: z.record(z.string(), z.unknown()) }),
  /**
   * A signed-in bot's rotated session (src/account/credential.ts), for the service to store in place of the
   * one it gave. Sent as is: the only frame the bot's redaction does not cover.
   */
  z.strictObject({ type: z.literal('credential'), seq: z.number().int().min(1), credential: z.record(z.string(), z.unknown()) }),
  /** The outcome of a command: `ok` once carried out (a leave: once the bot has started to leave). */
  z.strictObject({ type: z.literal('command_result'), command_id: z.string().min(1), ok: z.boolean(), error: z.string().optional() }),
]);
export type BotMessage = z.infer<typeof botMessage>;

/** Parses one frame, or null when it is not a message of this protocol (logged and dropped by either side). */
export function parseFrame<T>(schema: z.ZodType<T>, data: string): T | null {
  let json: unknown;
  try {
    json = JSON.parse(data);
  } catch {
    return null;
  }
  const parsed = schema.safeParse(json);
  return parsed.success ? parsed.data : null;
}
