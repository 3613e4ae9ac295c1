import { expect } from 'vitest';
import { MeetingUrlError, parseMeetingUrl, type MeetingUrlOptions } from '../../src/meetingUrl/parseMeetingUrl.js';

/** The link is refused with a MeetingUrlError whose reason says `reason`, and whose message is that reason. */
export function expectRefused(input: string, reason: string, opts?: MeetingUrlOptions): void {
  let error: unknown;
  try {
    parseMeetingUrl(input, opts);
  } catch (err) {
    error = err;
  }
  expect(error).toBeInstanceOf(MeetingUrlError);
  expect((error as MeetingUrlError).reason).toContain(reason);
  expect((error as MeetingUrlError).message).toBe(`Invalid meeting URL: ${(error as MeetingUrlError).reason}`);
}
