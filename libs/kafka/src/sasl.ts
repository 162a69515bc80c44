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

/**
 * A client's credentials from its environment, as the bots and `npm run exercises -- --live` read them
 * (the players' user of a secured broker): KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD, SCRAM-SHA-256
 * unless KAFKA_SASL_MECHANISM says otherwise; none of them: an open broker (undefined). A bad
 * mechanism is an error naming the variable.
 */
export function saslFromEnv(env: NodeJS.ProcessEnv): SaslCredentials | undefined {
  const { KAFKA_SASL_USERNAME: username, KAFKA_SASL_PASSWORD: password, KAFKA_SASL_MECHANISM: mechanism } = env;
  if (!username && !password) return undefined;
  // One without the other is a typo, not an open broker: connecting unauthenticated would fail later, less clearly.
  if (!username) throw new RangeError('KAFKA_SASL_USERNAME must be set with KAFKA_SASL_PASSWORD (a secured broker needs both)');
  if (!password) throw new RangeError('KAFKA_SASL_PASSWORD must be set with KAFKA_SASL_USERNAME (a secured broker needs both)');
  if (!mechanism) return { mechanism: 'scram-sha-256', username, password };
  const known = SASL_MECHANISMS.find((m) => m === mechanism.toLowerCase());
  if (known === undefined) throw new RangeError(`KAFKA_SASL_MECHANISM must be one of ${SASL_MECHANISMS.join(', ')}, got "${mechanism}"`);
  return { mechanism: known, username, password };
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
