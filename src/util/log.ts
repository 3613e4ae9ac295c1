import { appendFileSync } from 'node:fs';
import { noRedaction, type Redact } from './redact.js';

/**
 * Structured logs go to stderr (stdout carries only status events) and, once the output folder exists, to
 * bot.log in it. Each line is JSON with a channel, so a person can grep and a machine can parse.
 */
export type Level = 'debug' | 'info' | 'warn' | 'error';
const ORDER: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
  child(channel: string): Logger;
}

export interface LogSink {
  minLevel: Level;
  stderr: boolean;
  file: string | null;
  /** Removes what must never be written (passcodes, tokens, secrets); none by default. */
  redact?: Redact;
}

export function createLogger(sink: LogSink, channel = 'bot'): Logger {
  const write = (level: Level, msg: string, fields?: Record<string, unknown>) => {
    if (ORDER[level] < ORDER[sink.minLevel]) return;
    const line = (sink.redact ?? noRedaction)(JSON.stringify({ t: new Date().toISOString(), level, channel, msg, ...fields }));
    if (sink.stderr) process.stderr.write(line + '\n');
    if (sink.file) {
      try {
        appendFileSync(sink.file, line + '\n');
      } catch {
        /* the output folder may be gone; stderr still has it */
      }
    }
  };
  return {
    debug: (m, f) => write('debug', m, f),
    info: (m, f) => write('info', m, f),
    warn: (m, f) => write('warn', m, f),
    error: (m, f) => write('error', m, f),
    child: (c) => createLogger(sink, `${channel}.${c}`),
  };
}

export const silentLogger: Logger = {
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: () => {},
  child: () => silentLogger,
};
