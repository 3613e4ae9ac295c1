import { describe, expect, it } from 'vitest';
import type { RecordingLayout } from '../../src/config/botSpec.js';
import { pause, recordedCall } from '../helpers/layoutCall.js';
import { useMockServer } from '../helpers/mockSuite.js';
import { durationSec } from '../helpers/meetingChecks.js';
import { expectLayoutAt, namesShown } from '../helpers/stageFrames.js';

// The recording's picture on Teams, Zoom and Webex: each layout shows the meeting's tiles alone (no toolbar,
// chat panel or the bot's own tile) with the speaker large in speaker view. Google Meet's own file checks
// the speaker following and the third layout.

const suite = useMockServer();

const ADA = { name: 'Ada Example', color: '#c0392b', tone_hz: 440 };
const GRACE = { name: 'Grace Example', color: '#27ae60', tone_hz: 660, speaking: false };
const ALAN = { name: 'Alan Example', color: '#2980b9', tone_hz: 880, speaking: false };
const PEOPLE = [ADA, GRACE, ALAN];
const LAYOUTS: [RecordingLayout, Record<string, unknown>][] = [
  ['speaker_view', {}],
  ['gallery_view', { recording_config: { video_mixed_layout: 'gallery_view_v2' } }],
];

describe.each(['microsoft_teams', 'zoom', 'webex'] as const)('the recording shows the meeting alone (%s)', (platform) => {
  it.each(LAYOUTS)('%s', async (layout, body) => {
    const { file, outDir } = await recordedCall(suite, { platform, participants: PEOPLE, body }, pause(3000));
    const featured = layout === 'gallery_view' ? null : ADA.name;
    await expectLayoutAt(file, 1.5, layout, PEOPLE, featured);
    await expectLayoutAt(file, (await durationSec(file)) - 0.7, layout, PEOPLE, featured);
    expect(namesShown(outDir)).toEqual([ADA.name, ALAN.name, GRACE.name].sort());
  });
});
