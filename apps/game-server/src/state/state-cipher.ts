/**
 * Seals the game's record before it goes on a topic. It holds the seed and
 * the random streams' positions — whoever reads them foresees the price walk
 * — and in a workshop every participant can read every topic. AES-256-GCM
 * with a key that never leaves the server: `<DATA_DIR>/state.key` (made on
 * the first start), or, without a data directory, one derived from the admin
 * token (a restart then resumes only with the same ADMIN_TOKEN).
 */
import { createCipheriv, createDecipheriv, createHash, createHmac, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const ALGORITHM = 'aes-256-gcm';
const IV_BYTES = 12;
const TAG_BYTES = 16;
export const STATE_KEY_FILE = 'state.key';

/** Nest injection token for the server's StateCipher. */
export const STATE_CIPHER = Symbol('STATE_CIPHER');

export class StateCipher {
  constructor(private readonly key: Buffer) {
    if (key.length !== 32) throw new RangeError(`a state key is 32 bytes, got ${key.length}`);
  }

  /**
   * The key in `<dataDir>/state.key`, created (readable by its owner only) when there is none; `created`
   * says so, and `secret` is what SERVER_SECRET must be on the game's other servers.
   */
  static fromDataDir(dataDir: string): { readonly cipher: StateCipher; readonly created: boolean; readonly secret: string } {
    const file = join(dataDir, STATE_KEY_FILE);
    const created = !existsSync(file);
    if (created) {
      mkdirSync(dataDir, { recursive: true });
      writeFileSync(file, randomBytes(32).toString('base64'), { mode: 0o600, flag: 'wx' });
      chmodSync(file, 0o600);
    }
    const secret = readFileSync(file, 'utf8').trim();
    const key = Buffer.from(secret, 'base64');
    if (key.length !== 32) throw new Error(`${file} is not a state key (expected 32 bytes in base64); delete it to start a fresh game`);
    return { cipher: new StateCipher(key), created, secret };
  }

  /**
   * SERVER_SECRET: a state.key's content (32 bytes in base64) is that key itself, so a server given
   * another's generated secret seals and signs as it does; any other passphrase is hashed into a key.
   */
  static fromServerSecret(secret: string): StateCipher {
    const key = Buffer.from(secret, 'base64');
    return key.length === 32 && key.toString('base64') === secret ? new StateCipher(key) : StateCipher.fromSecret(secret);
  }

  static fromSecret(secret: string): StateCipher {
    return new StateCipher(createHash('sha256').update(`banana-market/state-key/${secret}`).digest());
  }

  /**
   * A secret of the server's own for `purpose` (HMAC-SHA256 of it under the
   * key): what the server derives rather than stores, as the teams' join
   * codes, is the same on every server of the game and never on a topic.
   */
  derive(purpose: string): Buffer {
    return createHmac('sha256', this.key).update(`banana-market/${purpose}`).digest();
  }

  seal(plaintext: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv(ALGORITHM, this.key, iv);
    const sealed = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return JSON.stringify({ sealed: Buffer.concat([iv, cipher.getAuthTag(), sealed]).toString('base64') });
  }

  /** The plaintext, or undefined when the value is not sealed with this key (another key, or damaged). */
  open(value: Buffer | string): string | undefined {
    try {
      const { sealed } = JSON.parse(value.toString()) as { sealed?: unknown };
      if (typeof sealed !== 'string') return undefined;
      const bytes = Buffer.from(sealed, 'base64');
      const decipher = createDecipheriv(ALGORITHM, this.key, bytes.subarray(0, IV_BYTES));
      decipher.setAuthTag(bytes.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
      return Buffer.concat([decipher.update(bytes.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8');
    } catch {
      return undefined;
    }
  }
}
