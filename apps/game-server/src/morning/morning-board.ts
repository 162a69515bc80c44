/**
 * The morning's room progress board: the last chapter table each
 * participant's `npm run exercises -- --report` posted. Bounded (one row per
 * participant, at most MORNING_LIMITS.participants rows) and kept in memory
 * only: it is a picture of the room, not a record — after a restart it fills
 * again with each participant's next run.
 */
import { Inject, Injectable } from '@nestjs/common';
import type { Clock } from '@banana-market/engine';
import { MORNING_LIMITS, type ChapterProgress, type ExercisesReport, type MorningBoard } from '@banana-market/protocol';
import { GAME_CLOCK } from '../game/tokens.js';

interface Row {
  readonly participant: string;
  readonly reportedAt: number;
  readonly chapters: readonly ChapterProgress[];
}

export type ReportVerdict = 'kept' | 'board-full';

@Injectable()
export class MorningBoardService {
  /** In report order, oldest first: a Map keeps insertion order, and a new report moves its row to the end. */
  private readonly rows = new Map<string, Row>();

  constructor(@Inject(GAME_CLOCK) private readonly clock: Clock) {}

  /** Participants on the board. */
  get size(): number {
    return this.rows.size;
  }

  report(report: ExercisesReport): ReportVerdict {
    if (!this.rows.has(report.participant) && this.rows.size >= MORNING_LIMITS.participants) return 'board-full';
    this.rows.delete(report.participant);
    const chapters = [...report.chapters].sort((a, b) => a.chapter - b.chapter);
    this.rows.set(report.participant, { participant: report.participant, reportedAt: this.clock.now(), chapters });
    return 'kept';
  }

  view(): MorningBoard {
    const rows = [...this.rows.values()].reverse();
    const titles = new Map<number, string>();
    const failing = new Map<number, number>();
    for (const row of rows) {
      for (const c of row.chapters) {
        if (!titles.has(c.chapter)) titles.set(c.chapter, c.title);
        if (c.failed > 0) failing.set(c.chapter, (failing.get(c.chapter) ?? 0) + 1);
      }
    }
    const chapters = [...titles].sort((a, b) => a[0] - b[0]).map(([chapter, title]) => ({ chapter, title }));
    let stuck: MorningBoard['stuck'] = null;
    for (const { chapter, title } of chapters) {
      const participants = failing.get(chapter) ?? 0;
      if (participants > (stuck?.participants ?? 0)) stuck = { chapter, title, participants };
    }
    return {
      chapters,
      participants: rows.map((r) => ({ participant: r.participant, reportedAt: new Date(r.reportedAt).toISOString(), chapters: [...r.chapters] })),
      stuck,
    };
  }
}
