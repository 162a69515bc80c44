/**
 * `--report http://COACH:3000`: the participant's chapter table, posted to the
 * game server's morning board (POST /api/morning/reports, no token), where
 * the coach sees the room at /coach/morning. The schema is the protocol's,
 * checked here before it is sent; a refused or failed post is one line and
 * never fails the run. EXERCISES_REPORTS=off in the environment turns it off.
 */
import { hostname, userInfo } from 'node:os';
import { API_PATHS, exercisesReportSchema, MORNING_LIMITS, validate, type ExercisesReport } from '@banana-market/protocol';
import type { ChapterSummary } from './report.js';

/** The participant's name on the board when none is given: user@host, in the characters a name may have. */
export function defaultParticipant(): string {
  let user = 'someone';
  try {
    user = userInfo().username;
  } catch {
    // No user name (a container without passwd entry): keep "someone".
  }
  return `${user}@${hostname()}`.replace(/[^A-Za-z0-9_.@ -]/g, '-').slice(0, 64);
}

export function reportOf(participant: string, summaries: readonly ChapterSummary[]): ExercisesReport {
  return {
    participant,
    chapters: summaries.map((s) => ({
      chapter: s.chapter.number,
      title: s.chapter.title.slice(0, MORNING_LIMITS.titleChars),
      passed: s.passed,
      failed: s.failed,
      next: s.next.slice(0, MORNING_LIMITS.textChars),
    })),
  };
}

/** Posts the table; resolves to the line to print (it never rejects). */
export async function postReport(server: string, report: ExercisesReport, env: NodeJS.ProcessEnv = process.env): Promise<string> {
  if (env.EXERCISES_REPORTS === 'off') return 'room report: off (EXERCISES_REPORTS=off)';
  const checked = validate(exercisesReportSchema, report, 'report');
  if (!checked.ok) return `room report not sent: ${checked.error.message}`;
  let url: URL;
  try {
    url = new URL(API_PATHS.morningReports, server);
  } catch {
    return `room report not sent: --report needs the game server's address (http://HOST:PORT), got ${JSON.stringify(server)}`;
  }
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(checked.value),
      signal: AbortSignal.timeout(5000),
    });
    if (response.status === 202) return `room report sent to ${new URL(API_PATHS.coachMorningPage, server).href} as "${report.participant}"`;
    const body = (await response.json().catch(() => ({}))) as { message?: string };
    return `room report refused by ${url.origin} (${response.status}): ${body.message ?? response.statusText}`;
  } catch (err) {
    return `room report not sent: ${url.origin} did not answer (${(err as Error).message})`;
  }
}
