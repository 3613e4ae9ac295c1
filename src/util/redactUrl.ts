/**
 * A URL as it may appear in logs, events and stats: no query, fragment or user info. Realtime and webhook
 * endpoints carry their auth tokens in the query (bot-api.md 6.1), so the query never leaves this process.
 */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    u.search = '';
    u.hash = '';
    u.username = '';
    u.password = '';
    return u.toString();
  } catch {
    // Not parseable: keep only what comes before anything that could hold a token.
    return url.split(/[?#]/)[0]!.replace(/\/\/[^/@]*@/, '//');
  }
}
