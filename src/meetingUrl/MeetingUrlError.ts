/** A meeting link we refuse. `reason` says what is wrong without a subject, for "meeting_url: <reason>". */
export class MeetingUrlError extends Error {
  override readonly name = 'MeetingUrlError';
  constructor(readonly reason: string) {
    super(`Invalid meeting URL: ${reason}`);
  }
}
