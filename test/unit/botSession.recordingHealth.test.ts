import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isStatusEvent } from '../../src/events/botEvents.js';
import { assessRecording, type HealthAssessment } from '../../src/outputs/recordingHealth.js';
import { BotSession } from '../../src/session/botSession.js';
import { eventsIn, FakeAdapter, fakeOptions, fakeSpec, fakeWorld } from '../helpers/fakeSession.js';

// The session's final status after a normal end of the call follows the recording's health: a verdict ends the
// bot `fatal` with its sub_code, never `done`, and the report is in the final status and the manifest.

const ENDED_BY_HOST = { phase: 'ended', outcome: { status: 'call_ended', sub_code: 'call_ended_by_host' }, text: 'Your host ended the meeting' } as const;

const base = {
  withVideo: true,
  file: { durationSec: 30, video: { frames: 900, startSec: 0 }, audio: { startSec: 0 } },
  fps: 30,
  wallClockSec: 30,
  gaps: [],
  freezes: [],
  motion: null,
};

async function endedByHost(assessment: HealthAssessment) {
  const world = fakeWorld(new FakeAdapter({ phase: 'in_call' }, { phase: 'in_call' }, ENDED_BY_HOST));
  const create = world.deps.createRecording!;
  world.deps.createRecording = (o) => Object.assign(create(o), { assessment });
  const options = fakeOptions();
  const outcome = await new BotSession(fakeSpec(), options, world.deps).run(new AbortController().signal);
  const manifest = JSON.parse(readFileSync(join(options.outDir, 'manifest.json'), 'utf8')) as { recording: unknown; final: unknown };
  return { ...outcome, codes: eventsIn(options.outDir).filter(isStatusEvent).map((e) => e.code), manifest };
}

describe('BotSession: the recording’s health decides done or fatal after call_ended', () => {
  it('a recording silent while participants spoke: call_ended, then fatal / recording_silent with the report, exit 1', async () => {
    const silent = assessRecording({ ...base, silence: { audioSec: 30, silentSec: 30, speakingSec: 20, silentWhileSpeakingSec: 20 } });
    const r = await endedByHost(silent);
    expect(r.codes.slice(-2)).toEqual(['call_ended', 'fatal']);
    expect(r.final).toMatchObject({ code: 'fatal', sub_code: 'recording_silent', detail: { reason: silent.verdict!.reason, recording_health: silent.health } });
    expect(r.exitCode).toBe(1);
    expect(r.manifest.final).toEqual({ code: 'fatal', sub_code: 'recording_silent' });
  });

  it('a healthy recording: done, the report in the final status, exit 0', async () => {
    const healthy = assessRecording({ ...base, silence: { audioSec: 30, silentSec: 5, speakingSec: 20, silentWhileSpeakingSec: 0.5 } });
    const r = await endedByHost(healthy);
    expect(r.final).toMatchObject({ code: 'done', sub_code: null, detail: { recording_health: healthy.health } });
    expect(r.exitCode).toBe(0);
  });
});
