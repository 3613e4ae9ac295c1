/** Who the speaker view shows large, and since when; who is speaking now, and since when (ms). */
export interface FeaturedState {
  id: string | null;
  sinceMs: number;
  speakingSince: Record<string, number>;
}

export const NO_FEATURED: FeaturedState = { id: null, sinceMs: 0, speakingSince: {} };

/**
 * The active speaker with a short hold, so the picture does not flicker between people who talk over each
 * other or cough: someone must speak for `minSpeechMs` to be shown, and whoever is shown stays at least
 * `holdMs` and for as long as they still speak. Among new speakers the one speaking longest wins. A shown
 * participant who leaves is replaced at once. Worst case from a new voice to the picture: holdMs (if the
 * last switch was just now) or minSpeechMs, plus how late the page's indicator is.
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
  const longest = Object.entries(speakingSince)
    .filter(([, since]) => nowMs - since >= minSpeechMs)
    .sort((a, b) => a[1] - b[1])[0]?.[0];
  if (!present) {
    const id = longest ?? Object.keys(speakingSince)[0] ?? tiles[0]?.id ?? null;
    return { id, sinceMs: nowMs, speakingSince };
  }
  const current = state.id as string;
  const keep = current in speakingSince || longest === undefined || nowMs - state.sinceMs < holdMs;
  return keep ? { id: current, sinceMs: state.sinceMs, speakingSince } : { id: longest, sinceMs: nowMs, speakingSince };
}
