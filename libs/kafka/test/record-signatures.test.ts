/**
 * The two signatures: a player's order signature is what the README's
 * recipes compute (openssl here, as in the kcat recipe), and the server's
 * record signature tells apart every record that differs in topic, key or value.
 */
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { isOrderSignature, orderSignature, ServerRecordSignature } from '../src/record-signatures.js';

const TOKEN = 'r4nd0m-token_from-registration';
const VALUE = '{"time":"2026-12-04T10:00:00.000Z","txnId":"k_1","type":"BUY","shares":1}';

describe('order signatures', () => {
  it("is the lowercase hex HMAC-SHA256 of the value's bytes keyed by the token, as openssl computes it", () => {
    const openssl = execFileSync('openssl', ['dgst', '-sha256', '-hmac', TOKEN, '-r'], { input: VALUE, encoding: 'utf8' }).split(' ')[0];
    expect(orderSignature(TOKEN, VALUE)).toBe(openssl);
    expect(orderSignature(TOKEN, Buffer.from(VALUE))).toBe(openssl);
    expect(isOrderSignature(TOKEN, VALUE, openssl)).toBe(true);
    expect(isOrderSignature(TOKEN, VALUE, Buffer.from(openssl))).toBe(true);
  });

  it('refuses another token, another value, upper case, a truncated or a missing signature', () => {
    const signature = orderSignature(TOKEN, VALUE);
    expect(isOrderSignature('another-token', VALUE, signature)).toBe(false);
    expect(isOrderSignature(TOKEN, VALUE.replace('"shares":1', '"shares":9'), signature)).toBe(false);
    expect(isOrderSignature(TOKEN, VALUE, signature.toUpperCase())).toBe(false);
    expect(isOrderSignature(TOKEN, VALUE, signature.slice(0, 32))).toBe(false);
    expect(isOrderSignature(TOKEN, VALUE, undefined)).toBe(false);
  });
});

describe("the server's record signature", () => {
  const server = new ServerRecordSignature(Buffer.alloc(32, 7));

  it('verifies what it signed, and nothing signed under another key', () => {
    const signature = server.sign('trader-states', '{"team":"A","name":"b"}', '{"coins":1}');
    expect(signature).toHaveLength(32);
    expect(server.verify('trader-states', '{"team":"A","name":"b"}', '{"coins":1}', signature)).toBe(true);
    const other = new ServerRecordSignature(Buffer.alloc(32, 8));
    expect(other.verify('trader-states', '{"team":"A","name":"b"}', '{"coins":1}', signature)).toBe(false);
    expect(server.verify('trader-states', '{"team":"A","name":"b"}', '{"coins":1}', undefined)).toBe(false);
  });

  it('signs differently whatever differs: the topic, the key, the value, where one ends and the next starts, null or empty', () => {
    const signatures = [
      server.sign('trader-states', 'ab', 'c'),
      server.sign('trader-states', 'a', 'bc'),
      server.sign('task-changelog', 'ab', 'c'),
      server.sign('trader-states', null, 'abc'),
      server.sign('trader-states', '', 'abc'),
      server.sign('trader-states', 'abc', null),
      server.sign('trader-states', 'abc', ''),
    ].map((s) => s.toString('hex'));
    expect(new Set(signatures).size).toBe(signatures.length);
  });
});
