import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import type { AccountCredential } from '../../src/account/credential.js';
import type { BotProcess } from './botProcess.js';

/** A credential file as an operator stores it (owner-only), for `meetbot join --credential FILE`. */
export function credentialFile(credential: Record<string, unknown>): string {
  const file = join(mkdtempSync(join(tmpdir(), 'meetbot-credential-')), 'google.json');
  writeFileSync(file, JSON.stringify(credential), { mode: 0o600 });
  return file;
}

export function readCredential(file: string): AccountCredential & { mode: number } {
  return { ...(JSON.parse(readFileSync(file, 'utf8')) as AccountCredential), mode: statSync(file).mode & 0o777 };
}

/** The value of the saved session's cookie of that name. */
export function cookie(credential: AccountCredential, name: string): string | undefined {
  return credential.storage_state?.cookies.find((c) => c.name === name)?.value;
}

/** Every file of the output folder, the bot's stdout (its events) and stderr: none holds any of the secrets. */
export function expectNoSecrets(b: BotProcess, secrets: readonly string[]): void {
  const texts: [string, string][] = [['stdout', JSON.stringify(b.events)], ['stderr', b.stderr]];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else texts.push([path, readFileSync(path, 'latin1')]);
    }
  };
  walk(b.outDir);
  for (const secret of secrets) {
    expect(secret.length).toBeGreaterThan(5);
    for (const [where, text] of texts) expect(text.includes(secret), `${where} holds a secret`).toBe(false);
  }
}
