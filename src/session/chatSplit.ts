/**
 * Splits a chat message into parts no longer than the platform's limit (Meet 500, Zoom 4096), breaking at
 * the last whitespace before the limit when there is one, so words stay whole. Parts are trimmed of the
 * whitespace they were split at; nothing else is changed.
 */
export function splitChatMessage(message: string, limit: number): string[] {
  if (limit < 1) throw new RangeError('limit must be at least 1');
  const parts: string[] = [];
  let rest = message;
  while ([...rest].length > limit) {
    const chars = [...rest];
    const window = chars.slice(0, limit).join('');
    const cut = window.search(/\s\S*$/);
    const head = cut > 0 ? window.slice(0, cut) : window;
    parts.push(head.trimEnd());
    rest = rest.slice(head.length).trimStart();
  }
  if (rest.length > 0 || parts.length === 0) parts.push(rest);
  return parts;
}
