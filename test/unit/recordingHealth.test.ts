import { describe, expect, it } from 'vitest';
import type { LoggedEvent } from '../../src/events/botEvents.js';
import { assessRecording, type HealthFacts } from '../../src/outputs/recordingHealth.js';
import { SilenceMeter } from '../../src/session/silenceMeter.js';
import { speechSpans } from '../../src/outputs/speechSpans.js';
import { recordingOutcomeEvent, statusAfterCall } from '../../src/session/recordingAssessment.js';

// The health report's pure parts: the verdicts and their edges, the live silence meter, the speaking spans from
// the bot's own events, and what the session makes of a verdict.

const HEARD = { audioSec: 60, silentSec: 20, speakingSec: 40, silentWhileSpeakingSec: 1 };

function facts(o: Partial<HealthFacts> = {}): HealthFacts {
  return {
    withVideo: true,
    file: { durationSec: 60, video: { frames: 1790, startSec: 0 }, audio: { startSec: 0.021 } },
    fps: 30,
    wallClockSec: 60.4,
    gaps: [],
    silence: HEARD,
    freezes: [],
    motion: null,
    ...o,
  };
}

describe('assessRecording', () => {
  it('a healthy recording: its figures and no verdict', () => {
    const { health, verdict } = assessRecording(facts({ freezes: [{ start_sec: 10, end_sec: 13.5 }], gaps: [{ start_sec: 30, duration_sec: 1.2 }] }));
    expect(verdict).toBeNull();
    expect(health).toEqual({
      duration_sec: 60,
      wall_clock_sec: 60.4,
      gaps: [{ start_sec: 30, duration_sec: 1.2 }],
      audio: { silence_share: 0.333, speaking_sec: 40, silent_while_speaking_sec: 1 },
      video: { longest_freeze_sec: 3.5, freezes: [{ start_sec: 10, end_sec: 13.5 }], frozen_while_moving_sec: null, frames_dropped: 10, av_offset_ms: 21 },
    });
  });

  it('empty: no file, a file without media, or under 1 s of 2 s or more recorded', () => {
    expect(assessRecording(facts({ file: null })).verdict?.sub_code).toBe('recording_empty');
    expect(assessRecording(facts({ file: { durationSec: 5, video: null, audio: null } })).verdict?.sub_code).toBe('recording_empty');
    expect(assessRecording(facts({ file: { durationSec: 0.6, video: null, audio: { startSec: 0 } }, wallClockSec: 2 })).verdict?.sub_code).toBe('recording_empty');
    // A bot that only recorded a moment has a short file, and that is all it could have.
    expect(assessRecording(facts({ file: { durationSec: 0.6, video: null, audio: { startSec: 0 } }, wallClockSec: 1.5, withVideo: false })).verdict).toBeNull();
    expect(assessRecording(facts({ file: { durationSec: 1, video: null, audio: { startSec: 0 } }, wallClockSec: 30, withVideo: false })).verdict).toBeNull();
  });

  it('silent: nearly all of at least 5 s of speech unheard; less speech, or some of it heard, is not', () => {
    const silent = (speakingSec: number, silentWhileSpeakingSec: number) =>
      assessRecording(facts({ silence: { audioSec: 60, silentSec: 60, speakingSec, silentWhileSpeakingSec } })).verdict?.sub_code ?? null;
    expect(silent(40, 40)).toBe('recording_silent');
    expect(silent(5, 4.5)).toBe('recording_silent');
    expect(silent(4.9, 4.9)).toBeNull();
    expect(silent(40, 35)).toBeNull();
    expect(silent(0, 0)).toBeNull();
    const r = assessRecording(facts({ silence: { audioSec: 60, silentSec: 60, speakingSec: 12, silentWhileSpeakingSec: 12 } }));
    expect(r.health.audio.silence_share).toBe(1);
    expect(r.verdict?.reason).toMatch(/12 s of the 12 s participants spoke/);
  });

  it('frozen without a motion timeline: a picture still over 95 % of a recording of 20 s or more', () => {
    const still = (durationSec: number, end: number) =>
      assessRecording(facts({ file: { durationSec, video: { frames: null, startSec: 0 }, audio: null }, freezes: [{ start_sec: 0, end_sec: end }] })).verdict?.sub_code ?? null;
    expect(still(60, 60)).toBe('recording_frozen');
    expect(still(20, 19)).toBe('recording_frozen');
    expect(still(60, 50)).toBeNull();
    expect(still(19, 19)).toBeNull();
  });

  it('frozen with a motion timeline: one freeze overlapping the meeting’s motion for 15 s; a still meeting is not frozen', () => {
    const withMotion = (freezes: HealthFacts['freezes'], motion: HealthFacts['motion']) => assessRecording(facts({ freezes, motion }));
    const stuck = withMotion([{ start_sec: 10, end_sec: 40 }], [{ start_sec: 0, end_sec: 20 }, { start_sec: 30, end_sec: 60 }]);
    expect(stuck.verdict?.sub_code).toBe('recording_frozen');
    expect(stuck.health.video?.frozen_while_moving_sec).toBe(20);
    // Frozen the whole time, but so was the meeting: nothing moved that the recording missed.
    const stillMeeting = withMotion([{ start_sec: 0, end_sec: 60 }], [{ start_sec: 20, end_sec: 30 }]);
    expect(stillMeeting.verdict).toBeNull();
    expect(stillMeeting.health.video?.frozen_while_moving_sec).toBe(10);
    expect(withMotion([{ start_sec: 0, end_sec: 60 }], []).verdict).toBeNull();
  });

  it('empty comes before silent, silent before frozen; audio only has no video figures', () => {
    const all = facts({ file: null, silence: { audioSec: 0, silentSec: 0, speakingSec: 30, silentWhileSpeakingSec: 30 }, freezes: [{ start_sec: 0, end_sec: 60 }] });
    expect(assessRecording(all).verdict?.sub_code).toBe('recording_empty');
    const silentAndStill = facts({ silence: { audioSec: 60, silentSec: 60, speakingSec: 30, silentWhileSpeakingSec: 30 }, freezes: [{ start_sec: 0, end_sec: 60 }] });
    expect(assessRecording(silentAndStill).verdict?.sub_code).toBe('recording_silent');
    const audioOnly = assessRecording(facts({ withVideo: false, freezes: [{ start_sec: 0, end_sec: 60 }] }));
    expect(audioOnly.health.video).toBeNull();
    expect(audioOnly.verdict).toBeNull();
  });
});

describe('SilenceMeter', () => {
  const frames = (m: SilenceMeter, fromMs: number, toMs: number, peak: number) => {
    for (let t = fromMs; t < toMs; t += 20) m.add(t, 20, peak);
  };

  it('shares silence per second and counts silence while someone spoke, a second without audio as silent', () => {
    const m = new SilenceMeter();
    frames(m, 0, 4000, 0.3); // sound
    frames(m, 4000, 8000, 0); // silence
    // 8-10 s: no audio at all (ffmpeg restarting)
    frames(m, 10_000, 12_000, 0.001); // comfort noise under the threshold
    const s = m.summary([{ startMs: 2000, endMs: 6000 }, { startMs: 8500, endMs: 9500 }, { startMs: 11_000, endMs: 20_000 }], { startMs: 0, endMs: 12_000 });
    expect(s.audioSec).toBe(10);
    expect(s.silentSec).toBe(6);
    expect(s.speakingSec).toBe(6);
    expect(s.silentWhileSpeakingSec).toBe(2 + 1 + 1);
  });

  it('weights partly covered seconds, and knows nothing before its first frame', () => {
    const m = new SilenceMeter();
    m.add(1000, 500, 0); // half a second of silence...
    m.add(1500, 500, 0.5); // ...and half of sound
    expect(m.summary([{ startMs: 1000, endMs: 1500 }], { startMs: 0, endMs: 2000 }).silentWhileSpeakingSec).toBe(0.25);
    expect(new SilenceMeter().summary([{ startMs: 0, endMs: 3000 }], { startMs: 0, endMs: 3000 }).silentWhileSpeakingSec).toBe(3);
  });
});

describe('speechSpans', () => {
  const at = (s: number) => new Date(1_000_000 + s * 1000).toISOString();
  const ev = (kind: string, id: string, s: number) => ({ event: `participant_events.${kind}`, created_at: at(s), participant: { id, name: id } }) as LoggedEvent;

  it('the union of everyone’s speech; a leave ends a speaker’s; someone still speaking counts to the end', () => {
    const spans = speechSpans(
      [
        ev('speech_on', 'a', 1),
        ev('speech_on', 'b', 2),
        ev('speech_off', 'a', 3),
        { event: 'bot.warning', created_at: at(3.5), kind: 'chat_not_sent', message: 'x' },
        ev('leave', 'b', 4),
        ev('chat_message', 'a', 5),
        ev('speech_on', 'a', 6),
      ],
      1_000_000 + 9000,
    );
    expect(spans).toEqual([
      { startMs: 1_001_000, endMs: 1_004_000 },
      { startMs: 1_006_000, endMs: 1_009_000 },
    ]);
  });
});

describe('the session’s use of the verdict', () => {
  const healthy = assessRecording(facts());
  const silent = assessRecording(facts({ silence: { audioSec: 60, silentSec: 60, speakingSec: 30, silentWhileSpeakingSec: 30 } }));
  const result = { file: '/out/recording.mp4', durationSec: 60, sizeBytes: 1, video: null, audio: null, gaps: [], segments: 1, freezes: [] };

  it('after call_ended: done for a usable recording, fatal with the verdict for an unusable one, the health in the detail', () => {
    expect(statusAfterCall({ assessment: healthy, keptSegments: [] })).toEqual(['done', null, { recording_health: healthy.health }]);
    expect(statusAfterCall({ assessment: silent, keptSegments: [] })).toEqual(['fatal', 'recording_silent', { reason: silent.verdict!.reason, recording_health: silent.health }]);
    expect(statusAfterCall(null)).toEqual(['done', null, undefined]);
    expect(statusAfterCall({ assessment: null, keptSegments: ['recording.part000.mp4'] })).toEqual(['done', null, { recording_segments: ['recording.part000.mp4'] }]);
  });

  it('recording.done with the health, recording.failed with the verdict or recording_failed', () => {
    expect(recordingOutcomeEvent(result, healthy, null, [])).toMatchObject({ event: 'recording.done', sub_code: null, file: 'recording.mp4', health: healthy.health });
    expect(recordingOutcomeEvent(result, silent, null, [])).toMatchObject({ event: 'recording.failed', sub_code: 'recording_silent', health: silent.health });
    expect(recordingOutcomeEvent(result, healthy, 'ffmpeg failed 5 times', [])).toMatchObject({ event: 'recording.failed', sub_code: 'recording_failed', reason: 'ffmpeg failed 5 times' });
    expect(recordingOutcomeEvent(null, null, null, ['recording.part000.mp4'])).toMatchObject({
      event: 'recording.failed',
      sub_code: 'recording_failed',
      file: null,
      health: null,
      reason: expect.stringContaining('recording.part000.mp4'),
    });
  });
});
