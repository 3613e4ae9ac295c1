import { readFile } from 'node:fs/promises';
import { CredentialError, parseCredential, type AccountCredential } from './credential.js';

/**
 * The credential of a signed-in bot, from the first of: `--credential FILE`, MEETBOT_CREDENTIAL_FILE (a
 * mounted Kubernetes Secret, or the operator's own file: both are written back when the session rotates),
 * MEETBOT_CREDENTIAL (JSON text, how `meetbot serve` hands a login group's credential to a bot it starts).
 * Throws CredentialError naming the source and the field; a credential's values never appear in the message.
 */
export async function loadCredential(
  flag: string | undefined,
  env: NodeJS.ProcessEnv,
): Promise<{ value: AccountCredential; file: string | null } | null> {
  const file = flag ?? (env.MEETBOT_CREDENTIAL_FILE || undefined);
  if (file !== undefined) {
    const source = flag !== undefined ? `--credential ${file}` : `MEETBOT_CREDENTIAL_FILE ${file}`;
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (err) {
      throw new CredentialError(`${source}: cannot be read (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
    }
    return { value: parseCredential(parseJson(text, source), source), file };
  }
  const inline = env.MEETBOT_CREDENTIAL;
  if (!inline) return null;
  return { value: parseCredential(parseJson(inline, 'MEETBOT_CREDENTIAL'), 'MEETBOT_CREDENTIAL'), file: null };
}

function parseJson(text: string, source: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new CredentialError(`${source}: is not JSON`);
  }
}
