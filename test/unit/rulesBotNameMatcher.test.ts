import { describe, expect, it } from 'vitest';
import { botNameMatcher } from '../../src/rules/botNameMatcher.js';

const rule = (matches: string[], match: 'substring' | 'whole_word') => ({ timeout: 10, activate_after: 0, matches, match, leave_when_only_bots: false });

describe('botNameMatcher', () => {
  it('Recall: case-insensitive substring', () => {
    const isBot = botNameMatcher(rule(['notetaker', 'Fathom', 'read.ai', 'tl;dv'], 'substring'));
    expect(isBot('Otter NoteTaker')).toBe(true);
    expect(isBot('fathom.video')).toBe(true);
    expect(isBot('Read.ai meeting notes')).toBe(true);
    expect(isBot('tl;dv recorder')).toBe(true);
    expect(isBot('mynotetakerbot')).toBe(true);
    expect(isBot('Alice Fat')).toBe(false);
    expect(isBot('readai')).toBe(false);
  });

  it('Attendee: whole-word sequence, split on space, - and _, case-insensitive', () => {
    const isBot = botNameMatcher(rule(['notetaker', 'read ai', 'fire-flies'], 'whole_word'));
    expect(isBot('Acme-NoteTaker')).toBe(true);
    expect(isBot('acme_notetaker')).toBe(true);
    expect(isBot('Notetaker')).toBe(true);
    expect(isBot('Read-AI Notes')).toBe(true);
    expect(isBot('fire flies_bot')).toBe(true);
    expect(isBot('Notetakers Guild')).toBe(false);
    expect(isBot('mynotetaker')).toBe(false);
    expect(isBot('Already here')).toBe(false);
    expect(isBot('read the ai')).toBe(false);
    expect(isBot('AI read')).toBe(false);
  });

  it('never matches with no rule, no keywords or only empty keywords (an empty substring would match everyone)', () => {
    for (const isBot of [
      botNameMatcher(null),
      botNameMatcher(rule([], 'substring')),
      botNameMatcher(rule(['', ' - '], 'whole_word')),
      botNameMatcher(rule([''], 'substring')),
    ]) {
      expect(isBot('Alice')).toBe(false);
      expect(isBot('')).toBe(false);
    }
  });
});
