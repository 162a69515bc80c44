/**
 * Who wrote a gibb, read from its id — the wire keeps the 2018 value
 * {id, time, text}, which a 2018 client parses strictly. The gibber page
 * writes ids `gibber:<client>:<uuid>`: their author is `gibber:<client>`, and
 * the engine counts only a few of one author's gibbs per window. Other ids (an
 * X tweet `x:<tweetId>`, the coach's replay, a 2018 client) name no author and
 * are not limited per author.
 */
const PARTICIPANT_ID = /^(gibber:[^:]+):./;

export function gibbAuthor(id: string): string | undefined {
  return PARTICIPANT_ID.exec(id)?.[1];
}
