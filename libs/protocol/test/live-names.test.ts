/**
 * A participant's name in their live topics: one spelling per name, in Kafka's topic characters, and read
 * back by the ticker as the participant typed it.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  KATA_PRICE_ALERTS_TOPIC,
  LIVE_TOPIC_PREFIX,
  liveAlertsParticipant,
  liveNameOf,
  participantNameSchema,
  participantOfLiveName,
} from '../src/index.js';

/** A name the board accepts (participantNameSchema): the default user@host and whatever --name may be. */
const participantName = fc
  .array(fc.constantFrom(...'aZ09_.@- '.split('')), { minLength: 1, maxLength: 64 })
  .map((chars) => chars.join(''))
  .filter((name) => participantNameSchema.safeParse(name).success);

describe('live names', () => {
  it('keeps a name already in Kafka’s characters, bar its underscores, and escapes "@" and spaces', () => {
    expect(liveNameOf('alice')).toBe('alice');
    expect(liveNameOf('a.b-c')).toBe('a.b-c');
    expect(liveNameOf('ada@room 7')).toBe('ada_at_room_sp_7');
    expect(liveNameOf('ada_room')).toBe('ada__room');
  });

  it('gives names that differ only where Kafka has no character spellings of their own', () => {
    const names = ['ada@room', 'ada room', 'ada-room', 'ada_room', 'ada_at_room', 'ada__room'];
    expect(new Set(names.map(liveNameOf)).size).toBe(names.length);
  });

  it('spells every name the board accepts in Kafka’s characters, and reads it back (no two names share one)', () => {
    fc.assert(
      fc.property(participantName, participantName, (a, b) => {
        expect(liveNameOf(a)).toMatch(/^[A-Za-z0-9._-]+$/);
        expect(participantOfLiveName(liveNameOf(a))).toBe(a);
        if (a !== b) expect(liveNameOf(a)).not.toBe(liveNameOf(b));
      }),
    );
  });

  it('refuses a character it has no spelling for, naming it', () => {
    expect(() => liveNameOf('ada/room')).toThrow('got "/" in "ada/room"');
  });

  it('reads no name from a spelling the live tool cannot have made', () => {
    expect(participantOfLiveName('ada_x')).toBeUndefined();
    expect(participantOfLiveName('ada_')).toBeUndefined();
    expect(participantOfLiveName('ada room')).toBeUndefined();
  });

  it('names the participant of a live alerts topic as they typed it, and no one for other topics', () => {
    const topic = (name: string) => `${LIVE_TOPIC_PREFIX}${name}-${KATA_PRICE_ALERTS_TOPIC}`;
    expect(liveAlertsParticipant(topic(liveNameOf('ada@room 7')))).toBe('ada@room 7');
    expect(liveAlertsParticipant(topic('alice'))).toBe('alice');
    expect(liveAlertsParticipant(topic('bob_x'))).toBeUndefined();
    expect(liveAlertsParticipant(topic(''))).toBeUndefined();
    expect(liveAlertsParticipant(`${LIVE_TOPIC_PREFIX}alice-kata-05-moving-averages`)).toBeUndefined();
  });
});
