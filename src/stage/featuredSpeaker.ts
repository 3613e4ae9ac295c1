/** Who the speaker view shows large, and since when; who is speaking now, and since when (ms). */
export interface FeaturedState {
  id: string | null;
  sinceMs: number;
  speakingSince: Record<string, number>;
}

export const NO_FEATURED: FeaturedState = { id: null, sinceMs: 0, speakingSince: {} };

/**
 * The active speaker with a short hold, so the picture does not flicker between people who talk over each
 * other or cough: whoever is shown stays at least `holdMs`; a new voice takes over after `minSpeechMs` of
 * speech when the shown speaker is silent, and after twice that when both speak and it began after the shown
 * one was put up (a platform's indicator lags a voice that stopped by a few hundred ms, so the one who just
 * stopped often still shows as speaking; people talking all along do not take turns on screen).
 * Among new speakers the one speaking longest wins. A shown participant who leaves is replaced at once.
 * Worst case from a new voice to the picture: the hold left, or 2 × minSpeechMs, plus the indicator's delay.
 *
 * Pure and self-contained: it also runs inside the page (stagePage.ts injects its source).
 */
export function nextFeatured(
  state: FeaturedState,
  tiles: readonly { id: string; speaking: boolean }[],
  nowMs: number,
  holdMs = 1000,
  minSpeechMs = 250,
): FeaturedState {
  const speakingSince: Record<string, number> = {};
  for (const t of tiles) if (t.speaking) speakingSince[t.id] = state.speakingSince[t.id] ?? nowMs;
  const present = state.id !== null && tiles.some((t) => t.id === state.id);
  const longestOver = (ms: number, startedAfter = -Infinity) =>
    Object.entries(speakingSince)
      .filter(([id, since]) => id !== state.id && nowMs - since >= ms && since > startedAfter)
      .sort((a, b) => a[1] - b[1])[0]?.[0];
  if (!present) {
    const id = longestOver(minSpeechMs) ?? Object.keys(speakingSince)[0] ?? tiles[0]?.id ?? null;
    return { id, sinceMs: nowMs, speakingSince };
  }
  const current = state.id as string;
  // Over a speaker still talking, only a voice that began after they were shown takes over: people who were
  // already talking then do not make the picture cycle between them.
  const next = current in speakingSince ? longestOver(minSpeechMs * 2, state.sinceMs) : longestOver(minSpeechMs);
  return next === undefined || nowMs - state.sinceMs < holdMs ? { id: current, sinceMs: state.sinceMs, speakingSince } : { id: next, sinceMs: nowMs, speakingSince };
}
