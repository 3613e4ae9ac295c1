/**
 * A bot's last words from what it printed: its last line that is not a JSON event (stdout carries events, stderr
 * its one-line errors), when it failed before it could report over its channel.
 */
export function lastWords(output: string): string | null {
  const lines = output.split('\n').filter((l) => l.trim() && !l.startsWith('{'));
  return lines.at(-1)?.slice(0, 500) ?? null;
}
