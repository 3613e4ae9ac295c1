/** Replaces every secret in a text; the one redaction used by the log, the event log, evidence and the CLI. */
export type Redact = (text: string) => string;

/**
 * A redaction that learns secrets after it was made: a bot's log, events, evidence and command channel share one
 * from its start, and a Zoom token fetched at join time joins it before the token is used.
 */
export type LearningRedact = Redact & { learn(...secrets: string[]): void };

export const REDACTED = '[redacted]';

/**
 * Each secret is also looked for as JSON writes it inside a string (a passcode with a quote or a backslash),
 * since logs and events are JSON lines. Longest first, so a secret that contains another is replaced whole.
 */
export function redactorOf(secrets: Iterable<string>): LearningRedact {
  const forms = new Set<string>();
  let ordered: string[] = [];
  const learn = (...more: string[]) => {
    for (const s of more) {
      if (s === '') continue;
      forms.add(s);
      forms.add(JSON.stringify(s).slice(1, -1));
    }
    ordered = [...forms].sort((a, b) => b.length - a.length);
  };
  learn(...secrets);
  const redact: Redact = (text) => {
    for (const secret of ordered) text = text.split(secret).join(REDACTED);
    return text;
  };
  return Object.assign(redact, { learn });
}

export const noRedaction: Redact = (text) => text;
