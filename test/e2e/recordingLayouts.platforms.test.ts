import { expect, it } from 'vitest';
import type { Platform, RecordingLayout, ScreenshareView } from '../../src/config/botSpec.js';
import { ADA, ALAN, GRACE, LAYOUT_PEOPLE, pause, recordedCall } from '../helpers/layoutCall.js';
import { durationSec } from '../helpers/meetingChecks.js';
import { useMockServer } from '../helpers/mockSuite.js';
import { expectLayoutAt, namesShown } from '../helpers/stageFrames.js';

// The recording's picture on Teams, Zoom and Webex: each layout shows the meeting's tiles alone (no toolbar,
// chat panel or the bot's own tile) with the speaker large in speaker view. On Teams, whose share tiles are
// known (ScreenSharing), a participant then shares a screen and the layout takes it in as the body says.
// Google Meet's own file checks the speaker following and the third layout.

const suite = useMockServer();
const { client } = suite;

const PEOPLE = LAYOUT_PEOPLE;
/** The Teams mock's shared screen: a light slide. */
const SHARE = { name: 'ScreenSharing', color: '#e8e8e8', share: true };
const LAYOUTS: [RecordingLayout, ScreenshareView, Record<string, unknown>][] = [
  ['speaker_view', 'beside', { video_mixed_participant_video_when_screenshare: 'beside' }],
  ['gallery_view', 'overlap', { video_mixed_layout: 'gallery_view_v2' }],
];

/** One bot records in `layout`; on Teams a participant then shares a screen. The frames and names are checked. */
async function expectLayoutRecorded(platform: Platform, [layout, view, recording]: (typeof LAYOUTS)[number]): Promise<void> {
  const sharing = platform === 'microsoft_teams';
  const meeting = sharing ? { ui_variant: { teams_share_after_ms: 4000 } } : {};
  const { file, outDir, meetingId } = await recordedCall(suite, { platform, participants: PEOPLE, body: { recording_config: recording }, meeting }, async (id) => {
    if (!sharing) return pause(3000)();
    await client.waitFor(id, (v) => v.events.some((e) => e.type === 'share_started'), 20_000, 'the share');
    // Teams' own view is chosen after the join message, as page work that never holds it up.
    await client.waitFor(id, (v) => v.events.some((e) => e.type === 'layout'), 20_000, "Teams' view chosen");
    await pause(2500)();
  });
  const featured = layout === 'gallery_view' ? null : ADA.name;
  await expectLayoutAt(file, 1.5, layout, PEOPLE, featured);
  const end = (await durationSec(file)) - 0.7;
  if (sharing) await expectLayoutAt(file, end, layout, [SHARE, ...PEOPLE], featured, view);
  else await expectLayoutAt(file, end, layout, PEOPLE, featured);
  expect(namesShown(outDir)).toEqual([ADA.name, ALAN.name, GRACE.name, ...(sharing ? [SHARE.name] : [])].sort());
  if (sharing) {
    // Teams' own view follows the layout (its View menu; the mock reports the choice).
    const events = (await client.waitFor(meetingId, () => true)).events.filter((e) => e.type === 'layout');
    expect(events.map((e) => e.detail)).toEqual([{ view: layout === 'gallery_view' ? 'gallery' : 'speaker' }]);
  }
}

// Each platform's two layouts are recorded side by side (two bots, each in its own meeting): what is checked is
// the picture in the file, which a loaded machine does not change.
it.each(['microsoft_teams', 'zoom', 'webex'] as const)('%s: speaker view and gallery show the meeting alone (on Teams, then a screen share beside and over it)', async (platform) => {
  await Promise.all(LAYOUTS.map((l) => expectLayoutRecorded(platform, l)));
});
