/**
 * SERVER_SECRET: the secret a server makes in its data directory, given to
 * another server of the game, seals, opens and derives exactly as the first
 * one does; a passphrase does too, on every server given it; another secret
 * does not.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { StateCipher } from '../src/state/state-cipher.js';

describe('the game secret', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });
  const dataDir = () => {
    const dir = mkdtempSync(join(tmpdir(), 'banana-secret-'));
    dirs.push(dir);
    return dir;
  };

  it('makes state.key once, says so once, and another server given that secret is the same key', () => {
    const dir = dataDir();
    const first = StateCipher.fromDataDir(dir);
    const again = StateCipher.fromDataDir(dir);
    expect(first.created).toBe(true);
    expect(again).toMatchObject({ created: false, secret: first.secret });
    const other = StateCipher.fromServerSecret(first.secret);
    expect(other.open(first.cipher.seal('the game'))).toBe('the game');
    expect(other.derive('record-signature')).toEqual(first.cipher.derive('record-signature'));
    expect(StateCipher.fromDataDir(dataDir()).cipher.open(first.cipher.seal('the game'))).toBeUndefined();
  });

  it('hashes a passphrase into a key, the same on every server given it', () => {
    const a = StateCipher.fromServerSecret('our room secret, not base64');
    const b = StateCipher.fromServerSecret('our room secret, not base64');
    expect(b.open(a.seal('x'))).toBe('x');
    expect(StateCipher.fromServerSecret('another room secret').open(a.seal('x'))).toBeUndefined();
  });
});
