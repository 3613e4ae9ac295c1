import type { AutomaticLeaveSpec } from '../config/botSpec.js';

const WORD_SEPARATORS = /[\s_-]+/;

function words(text: string): string[] {
  return text.toLowerCase().split(WORD_SEPARATORS).filter((w) => w !== '');
}

function containsSequence(haystack: string[], needle: string[]): boolean {
  for (let i = 0; i + needle.length <= haystack.length; i++) {
    if (needle.every((w, j) => haystack[i + j] === w)) return true;
  }
  return false;
}

/**
 * Whether a display name is a bot's, by the spec's list. Recall: case-insensitive substring ("Grain" in
 * "Grainger" matches). Attendee bot_keywords: the keyword's words appear consecutively among the name's
 * words, both split on spaces, `-` and `_`, case-insensitive ("read ai" matches "Read-AI Notes", not "Already").
 */
export function botNameMatcher(rule: AutomaticLeaveSpec['bot_names']): (name: string) => boolean {
  if (rule === null) return () => false;
  if (rule.match === 'substring') {
    const needles = rule.matches.map((m) => m.toLowerCase()).filter((m) => m !== '');
    return (name) => needles.some((m) => name.toLowerCase().includes(m));
  }
  const sequences = rule.matches.map(words).filter((w) => w.length > 0);
  return (name) => {
    const nameWords = words(name);
    return sequences.some((seq) => containsSequence(nameWords, seq));
  };
}
