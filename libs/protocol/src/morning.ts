/**
 * The morning's room progress board: each participant's `npm run exercises
 * -- --report http://COACH:3000` posts their chapter table (no token: the
 * morning has no traders yet), and `/coach/morning` shows the room's grid.
 * Bounded: one row per participant (the last report wins), at most
 * MORNING_LIMITS.participants of them.
 */
import { z } from 'zod';
import { isoTime } from './schemas.js';

export const MORNING_LIMITS = Object.freeze({ participants: 200, chapters: 30, textChars: 300, titleChars: 120 });

export const participantNameSchema = z
  .string({ message: 'expected a string' })
  .regex(/^[A-Za-z0-9_.@-][A-Za-z0-9_.@ -]{0,63}$/, { message: 'expected 1-64 characters among A-Z a-z 0-9 _ . @ - and spaces' });

export const chapterProgressSchema = z
  .object({
    chapter: z.number({ message: 'expected a chapter number' }).int({ message: 'expected a whole chapter number' }).min(0).max(99),
    title: z
      .string({ message: 'expected a string' })
      .max(MORNING_LIMITS.titleChars, { message: `expected at most ${MORNING_LIMITS.titleChars} characters` }),
    passed: z.number({ message: 'expected a number of tests' }).int({ message: 'expected a whole number of tests' }).min(0).max(10_000),
    failed: z.number({ message: 'expected a number of tests' }).int({ message: 'expected a whole number of tests' }).min(0).max(10_000),
    /** What the participant is stuck on: the first failing test, or why the chapter did not run. */
    next: z
      .string({ message: 'expected a string' })
      .max(MORNING_LIMITS.textChars, { message: `expected at most ${MORNING_LIMITS.textChars} characters` })
      .optional(),
  })
  .strict();
export type ChapterProgress = z.infer<typeof chapterProgressSchema>;

/** POST /api/morning/reports */
export const exercisesReportSchema = z
  .object({
    participant: participantNameSchema,
    chapters: z
      .array(chapterProgressSchema)
      .min(1, { message: 'expected at least one chapter' })
      .max(MORNING_LIMITS.chapters, { message: `expected at most ${MORNING_LIMITS.chapters} chapters` }),
  })
  .strict();
export type ExercisesReport = z.infer<typeof exercisesReportSchema>;

/** GET /api/morning: the room's grid. */
export const morningBoardSchema = z.object({
  /** Every chapter any participant reported, in order. */
  chapters: z.array(z.object({ chapter: z.number(), title: z.string() })),
  /** Newest report first. */
  participants: z.array(z.object({ participant: z.string(), reportedAt: isoTime, chapters: z.array(chapterProgressSchema) })),
  /** The chapter the most participants are failing (ties: the earliest chapter), with how many. */
  stuck: z.object({ chapter: z.number(), title: z.string(), participants: z.number() }).nullable(),
});
export type MorningBoard = z.infer<typeof morningBoardSchema>;
