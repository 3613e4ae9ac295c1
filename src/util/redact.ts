/** Replaces every secret in a text; the one redaction used by the log, the event log, evidence and the CLI. */
export type Redact = (text: string) => string;

export const REDACTED = '[redacted]';

/**
 * Each secret is also looked for as JSON writes it inside a string (a passcode with a quote or a backslash),
 * since logs and events are JSON lines. Longest first, so a secret that contains another is replaced whole.
 */
export function redactorOf(secrets: Iterable<string>): Redact {
  const forms = new Set<string>();
  for (const s of secrets) {
    if (s === '') continue;
    forms.add(s);
    forms.add(JSON.stringify(s).slice(1, -1));
  }
  const ordered = [...forms].sort((a, b) => b.length - a.length);
  if (ordered.length === 0) return (text) => text;
  return (text) => {
    for (const secret of ordered) text = text.split(secret).join(REDACTED);
    return text;
  };
}

export const noRedaction: Redact = (text) => text;
