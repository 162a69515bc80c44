/**
 * SASL credentials for a secured broker (the project's `kafka:start --secure`
 * makes SCRAM-SHA-256 users), in the one shape the project passes around and
 * as each client library spells it.
 */
import type { SASLOptions } from 'kafkajs';

export type SaslMechanism = 'scram-sha-256' | 'scram-sha-512' | 'plain';

export const SASL_MECHANISMS: readonly SaslMechanism[] = ['scram-sha-256', 'scram-sha-512', 'plain'];

export interface SaslCredentials {
  readonly mechanism: SaslMechanism;
  readonly username: string;
  readonly password: string;
}

export function kafkajsSasl(credentials: SaslCredentials): SASLOptions {
  const { username, password } = credentials;
  switch (credentials.mechanism) {
    case 'scram-sha-256':
      return { mechanism: 'scram-sha-256', username, password };
    case 'scram-sha-512':
      return { mechanism: 'scram-sha-512', username, password };
    case 'plain':
      return { mechanism: 'plain', username, password };
  }
}

/** @platformatic/kafka's spelling: the mechanism's IANA name. */
export function platformaticSasl(credentials: SaslCredentials): {
  mechanism: 'SCRAM-SHA-256' | 'SCRAM-SHA-512' | 'PLAIN';
  username: string;
  password: string;
} {
  const mechanism = credentials.mechanism === 'plain' ? 'PLAIN' : credentials.mechanism === 'scram-sha-256' ? 'SCRAM-SHA-256' : 'SCRAM-SHA-512';
  return { mechanism, username: credentials.username, password: credentials.password };
}
