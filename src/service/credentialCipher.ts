import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/** The operator's credentials key (MEETBOT_CREDENTIALS_KEY): exactly 32 bytes, base64; the error says what is wrong, never the value. */
export function parseCredentialsKey(base64: string): Buffer {
  const text = base64.trim();
  const key = BASE64.test(text) ? Buffer.from(text, 'base64') : null;
  if (!key || key.length !== KEY_BYTES) throw new Error(`MEETBOT_CREDENTIALS_KEY must be ${KEY_BYTES} bytes, base64 (e.g. from \`openssl rand -base64 32\`)`);
  return key;
}

/**
 * Login groups' credentials at rest: AES-256-GCM under the operator's key, a fresh IV per sealing, the group's id
 * as additional data (a sealed credential copied onto another group's row does not open). Stored as base64 of
 * IV, tag and ciphertext.
 */
export class CredentialCipher {
  constructor(private readonly key: Buffer) {
    if (key.length !== KEY_BYTES) throw new Error(`the credentials key must be ${KEY_BYTES} bytes`);
  }

  seal(plain: string, groupId: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    cipher.setAAD(Buffer.from(groupId));
    const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64');
  }

  /** Throws when the key is not the one it was sealed with, or the text was altered or moved. */
  open(sealed: string, groupId: string): string {
    const raw = Buffer.from(sealed, 'base64');
    const decipher = createDecipheriv('aes-256-gcm', this.key, raw.subarray(0, IV_BYTES));
    decipher.setAAD(Buffer.from(groupId));
    decipher.setAuthTag(raw.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
    try {
      return Buffer.concat([decipher.update(raw.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8');
    } catch {
      throw new Error('the credential does not open with this MEETBOT_CREDENTIALS_KEY (another key sealed it, or it was altered)');
    }
  }
}
