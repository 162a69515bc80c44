import { describe, expect, it } from 'vitest';
import { saslFromEnv } from '../src/index.js';

describe('saslFromEnv: a client’s credentials from its environment', () => {
  it('reads none as an open broker, and both as SCRAM-SHA-256 unless a mechanism is named', () => {
    expect(saslFromEnv({})).toBeUndefined();
    expect(saslFromEnv({ KAFKA_SASL_USERNAME: 'player', KAFKA_SASL_PASSWORD: 's3cret' })).toEqual({
      mechanism: 'scram-sha-256',
      username: 'player',
      password: 's3cret',
    });
    expect(saslFromEnv({ KAFKA_SASL_USERNAME: 'player', KAFKA_SASL_PASSWORD: 's3cret', KAFKA_SASL_MECHANISM: 'PLAIN' })?.mechanism).toBe('plain');
  });

  it('refuses one without the other, naming the missing variable, rather than connecting unauthenticated', () => {
    expect(() => saslFromEnv({ KAFKA_SASL_USERNAME: 'player' })).toThrow('KAFKA_SASL_PASSWORD must be set with KAFKA_SASL_USERNAME');
    expect(() => saslFromEnv({ KAFKA_SASL_USERNAME: 'player', KAFKA_SASL_PASSWORD: '' })).toThrow('KAFKA_SASL_PASSWORD must be set');
    expect(() => saslFromEnv({ KAFKA_SASL_PASSWORD: 's3cret' })).toThrow('KAFKA_SASL_USERNAME must be set with KAFKA_SASL_PASSWORD');
  });

  it('names KAFKA_SASL_MECHANISM when it is unknown', () => {
    expect(() => saslFromEnv({ KAFKA_SASL_USERNAME: 'p', KAFKA_SASL_PASSWORD: 's', KAFKA_SASL_MECHANISM: 'kerberos' })).toThrow(
      'KAFKA_SASL_MECHANISM must be one of scram-sha-256, scram-sha-512, plain, got "kerberos"',
    );
  });
});
