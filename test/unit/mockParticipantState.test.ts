import { describe, expect, it } from 'vitest';
import { createParticipant, participantView, recordReceived, recordSent } from '../../fixtures/mock/participantState.js';

// The mock's media counters come from pages (WebRTC stats over the websocket): only finite, non-negative
// numbers count, and a participant's video is on unless its page says it stopped sending it.

describe('mock participant media counters', () => {
  it('starts at zero with video on, and takes palette colour and tone by position unless given', () => {
    const first = participantView(createParticipant({ name: 'Alice' }, 0));
    expect(first).toMatchObject({ id: 'p1', color: '#1e88e5', tone_hz: 440, speaking: true, received_by_bot: [] });
    expect(first.media_to_bot).toEqual({
      video_on: true,
      audio_bytes_sent: 0,
      video_bytes_sent: 0,
      audio_bytes_received: 0,
      video_bytes_received: 0,
      video_frames_decoded: 0,
      updated_at: null,
    });
    expect(participantView(createParticipant({ name: 'Bob', color: '#000000', tone_hz: 1000 }, 9))).toMatchObject({ id: 'p10', color: '#000000', tone_hz: 1000 });
  });

  it('records what each end reported, reading anything but a finite count as zero', () => {
    const p = createParticipant({ name: 'Alice' }, 0);
    recordSent(p, { audio_bytes_sent: 1200, video_bytes_sent: 'lots', video_on: false });
    recordReceived(p, { audio_bytes_received: 1100, video_bytes_received: -5, video_frames_decoded: Number.NaN });
    const { updated_at, ...counts } = participantView(p).media_to_bot;
    expect(counts).toEqual({
      video_on: false,
      audio_bytes_sent: 1200,
      video_bytes_sent: 0,
      audio_bytes_received: 1100,
      video_bytes_received: 0,
      video_frames_decoded: 0,
    });
    expect(Date.parse(updated_at!)).not.toBeNaN();
    recordSent(p, { audio_bytes_sent: 2400, video_bytes_sent: 900 });
    expect(participantView(p).media_to_bot).toMatchObject({ video_on: true, video_bytes_sent: 900 });
  });

  it('gives a view that later reports do not change', () => {
    const p = createParticipant({ name: 'Alice' }, 0);
    const view = participantView(p);
    recordSent(p, { audio_bytes_sent: 10, video_bytes_sent: 10 });
    expect(view.media_to_bot.audio_bytes_sent).toBe(0);
  });
});
