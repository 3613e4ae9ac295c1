import { describe, expect, it } from 'vitest';
import { MeetingTracker } from '../../src/session/meetingTracker.js';
import type { ParticipantInfo } from '../../src/platform/adapter.js';

const p = (id: string, speaking = false, is_self = false): ParticipantInfo => ({ id, name: `name-${id}`, is_self, speaking });
const kinds = (t: MeetingTracker, list: ParticipantInfo[] | null) => t.updateParticipants(list).map((c) => `${c.kind}:${c.participant.id}`);

describe('MeetingTracker', () => {
  it('reports joins, leaves and speaking changes of everyone but the bot', () => {
    const t = new MeetingTracker();
    expect(kinds(t, [p('bot', false, true), p('a'), p('b', true)])).toEqual(['join:a', 'join:b', 'speech_on:b']);
    expect(kinds(t, [p('bot', true, true), p('a', true), p('b', true)])).toEqual(['speech_on:a']);
    expect(kinds(t, [p('a', false)])).toEqual(['speech_off:a', 'speech_off:b', 'leave:b']);
    expect(t.others.map((x) => x.id)).toEqual(['a']);
  });

  it('ignores a snapshot without a participant list', () => {
    const t = new MeetingTracker();
    kinds(t, [p('a')]);
    expect(kinds(t, null)).toEqual([]);
    expect(t.others).toHaveLength(1);
  });

  it('hands out each chat message once, and restarts counting when the list is re-rendered shorter', () => {
    const t = new MeetingTracker();
    const m = (text: string) => ({ sender: 's', text, from_self: false });
    expect(t.newChatMessages([m('1'), m('2')]).map((x) => x.text)).toEqual(['1', '2']);
    expect(t.newChatMessages([m('1'), m('2'), m('3')]).map((x) => x.text)).toEqual(['3']);
    expect(t.newChatMessages([])).toEqual([]);
    expect(t.newChatMessages([m('4')]).map((x) => x.text)).toEqual(['4']);
  });
});
