import { describe, expect, it } from 'vitest';
import { parseBotConfig } from '../../src/config/normalize.js';

// The service knows which API a body was sent to: that API's defaults apply even to a body both could have
// written, and the other API's own fields are refused by name.
const body = { meeting_url: 'https://meet.google.com/abc-defg-hij', bot_name: 'My Bot' };

describe('a body parsed for a named API', () => {
  it("takes that API's defaults for a body either API could have sent", () => {
    const asRecall = parseBotConfig(body, { api: 'recall' });
    const asAttendee = parseBotConfig(body, { api: 'attendee' });
    expect(asRecall.ok && asRecall.spec.source_api).toBe('recall');
    expect(asAttendee.ok && asAttendee.spec.source_api).toBe('attendee');
    expect(asRecall.ok && asRecall.spec.automatic_leave.waiting_room_timeout).toBe(1200);
    expect(asAttendee.ok && asAttendee.spec.automatic_leave.waiting_room_timeout).toBe(900);
    // Unnamed, the fields decide: nothing Attendee-only here, so Recall.
    const unnamed = parseBotConfig(body);
    expect(unnamed.ok && unnamed.spec.source_api).toBe('recall');
  });

  it("refuses the other API's top-level fields, naming each", () => {
    expect(parseBotConfig({ ...body, automatic_leave_settings: {}, deduplication_key: 'k' }, { api: 'recall' })).toEqual({
      ok: false,
      errors: [
        { path: 'automatic_leave_settings', message: 'is an Attendee field; this API takes Recall.ai bodies' },
        { path: 'deduplication_key', message: 'is an Attendee field; this API takes Recall.ai bodies' },
      ],
    });
    const attendee = parseBotConfig({ ...body, recording_config: {} }, { api: 'attendee' });
    expect(attendee).toEqual({ ok: false, errors: [{ path: 'recording_config', message: 'is a Recall.ai field; this API takes Attendee bodies' }] });
  });
});
