import { describe, expect, it } from 'vitest';
import { planLayout } from '../../src/stage/layoutPlan.js';
import { ADA, ALAN, GRACE, LAYOUT_PEOPLE, pause, recordedCall } from '../helpers/layoutCall.js';
import { useMockServer } from '../helpers/mockSuite.js';
import { colourOnset, expectLayoutAt, framesOf, namesShown, toneOnset } from '../helpers/stageFrames.js';

// The recording's picture on Google Meet: the meeting's tiles alone, laid out as the body asks, whatever the
// bot does in the page (its chat panel open to read chat, a dialog, the toolbar), and a speaker view that
// follows who speaks. Real Chromium against the Meet mock; the frames are read back from the file.

const suite = useMockServer();
const { client } = suite;

const PEOPLE = LAYOUT_PEOPLE;
/** Meet's own layout as the bot chose it (the mock reports each choice). */
async function meetLayouts(meetingId: string): Promise<unknown[]> {
  const view = await client.waitFor(meetingId, () => true);
  return view.events.filter((e) => e.type === 'layout_changed').map((e) => e.detail);
}
const MEET = { platform: 'google_meet', participants: PEOPLE, meeting: { ui_variant: { in_call_dialog: 'others_see' } } } as const;

describe('the recording shows the meeting alone (Google Meet)', () => {
  it('speaker_view: the speaker large, the others beside, no chat panel, dialog, toolbar or own tile; it follows a new speaker within 1 s', async () => {
    const { file, outDir, meetingId } = await recordedCall(suite, MEET, async (id, ids) => {
      await pause(4000)();
      await client.speak(id, ids[1]!, true);
      await client.speak(id, ids[0]!, false);
      await pause(4000)();
    });
    // Early (toolbar shown, dialog up, chat panel opening) and late (the panel open, the bot reading it).
    await expectLayoutAt(file, 1, 'speaker_view', PEOPLE, ADA.name);
    const frames = await framesOf(file, 10);
    const seconds = frames.length / 10;
    await expectLayoutAt(file, seconds - 1, 'speaker_view', PEOPLE, GRACE.name);
    expect(namesShown(outDir)).toEqual([ADA.name, ALAN.name, GRACE.name].sort());
    expect(await meetLayouts(meetingId)).toEqual([{ layout: 'sidebar' }]);

    const spoke = await toneOnset(file, GRACE.tone_hz, 2);
    const main = planLayout({ layout: 'speaker_view', screenshare: 'overlap', width: 1280, height: 720, tiles: PEOPLE.map((p) => ({ id: p.name, screenshare: false })), featured: GRACE.name })[0]!;
    const shown = colourOnset(frames, 10, main, GRACE.color, 2);
    expect(spoke).toBeLessThan(seconds);
    expect(shown - spoke, `Grace shown large at ${shown} s, heard from ${spoke} s`).toBeLessThanOrEqual(1);
    expect(shown).toBeGreaterThanOrEqual(spoke - 0.2);
  });

  it('gallery_view (Recall) and speaker_view_no_sidebar (Attendee): the grid of everyone, and the speaker alone', async () => {
    const gallery = await recordedCall(suite, { ...MEET, body: { recording_config: { video_mixed_layout: 'gallery_view' } } }, pause(3000));
    await expectLayoutAt(gallery.file, 1, 'gallery_view', PEOPLE, null);
    await expectLayoutAt(gallery.file, 3, 'gallery_view', PEOPLE, null);
    expect(await meetLayouts(gallery.meetingId)).toEqual([{ layout: 'tiled' }]);

    const spotlight = await recordedCall(suite, { ...MEET, body: { recording_settings: { view: 'speaker_view_no_sidebar' } } }, pause(3000));
    await expectLayoutAt(spotlight.file, 3, 'speaker_view_no_sidebar', PEOPLE, ADA.name);
    expect(await meetLayouts(spotlight.meetingId)).toEqual([{ layout: 'spotlight' }]);
  });
});
