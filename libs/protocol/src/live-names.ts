/**
 * A participant's name in their live topics and groups (live-NAME-…). A name
 * may hold "@" and spaces (the default one is user@host), which Kafka does not
 * allow in a topic name (A-Z a-z 0-9 . _ -). Replacing them by "-" made
 * "ada@room" and "ada room" and "ada-room" one NAME: three participants writing
 * one topic, their alerts shown under one name. So the spelling is an escape
 * with "_": "_" is written "__", "@" "_at_" and a space "_sp_"; every other
 * allowed character stays. Two names never share a spelling, and the ticker
 * shows the name as the participant typed it (participantOfLiveName).
 */

const ESCAPES: Readonly<Record<string, string>> = { _: '__', '@': '_at_', ' ': '_sp_' };
/** Each escape, and the character it stands for. */
const UNESCAPES: ReadonlyArray<readonly [string, string]> = Object.entries(ESCAPES).map(([char, sequence]) => [sequence, char]);

/** Characters Kafka allows in a topic name; the escapes above are made of them. */
const KAFKA_NAME_CHARS = /^[A-Za-z0-9._-]*$/;

/**
 * The participant's name in Kafka's topic characters, one spelling per name. A character other than those
 * Kafka allows and "@" or a space (the board's names hold no other) throws: it has no spelling.
 */
export function liveNameOf(participant: string): string {
  let spelled = '';
  for (const char of participant) {
    const escaped = ESCAPES[char];
    if (escaped !== undefined) spelled += escaped;
    else if (KAFKA_NAME_CHARS.test(char)) spelled += char;
    else
      throw new Error(`a participant's name may hold A-Z a-z 0-9 _ . @ - and spaces, got ${JSON.stringify(char)} in ${JSON.stringify(participant)}`);
  }
  return spelled;
}

/** The name liveNameOf spelled as `spelled`, or undefined when no name is spelled so (a topic somebody named by hand). */
export function participantOfLiveName(spelled: string): string | undefined {
  if (!KAFKA_NAME_CHARS.test(spelled)) return undefined;
  let name = '';
  for (let i = 0; i < spelled.length; ) {
    if (spelled[i] !== '_') {
      name += spelled[i];
      i += 1;
      continue;
    }
    const escaped = UNESCAPES.find(([sequence]) => spelled.startsWith(sequence, i));
    if (escaped === undefined) return undefined;
    name += escaped[1];
    i += escaped[0].length;
  }
  return name;
}
