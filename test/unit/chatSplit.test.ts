import { describe, expect, it } from 'vitest';
import { splitChatMessage } from '../../src/session/chatSplit.js';

describe('splitChatMessage', () => {
  it('keeps a message within the limit whole', () => {
    expect(splitChatMessage('hello there', 500)).toEqual(['hello there']);
    expect(splitChatMessage('', 500)).toEqual(['']);
  });

  it('splits at the last whitespace before the limit so words stay whole', () => {
    const parts = splitChatMessage('aaa bbb ccc ddd', 8);
    expect(parts).toEqual(['aaa bbb', 'ccc ddd']);
    expect(parts.join(' ')).toBe('aaa bbb ccc ddd');
  });

  it('cuts a word longer than the limit', () => {
    expect(splitChatMessage('abcdefghij', 4)).toEqual(['abcd', 'efgh', 'ij']);
  });

  it('counts characters, not UTF-16 units, and never splits a surrogate pair', () => {
    const parts = splitChatMessage('😀'.repeat(5), 2);
    expect(parts).toEqual(['😀😀', '😀😀', '😀']);
  });

  it('respects Meet’s 500 characters on a long message, losing nothing but the split spaces', () => {
    const text = 'The quick brown fox jumps over the lazy dog. '.repeat(30).trim();
    const parts = splitChatMessage(text, 500);
    expect(parts.every((x) => [...x].length <= 500)).toBe(true);
    expect(parts.join(' ')).toBe(text);
  });
});
