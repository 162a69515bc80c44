/**
 * /coach/morning: the room's progress through the katas, live. Each
 * participant's `npm run exercises -- --report` posts their chapter table to
 * the game server; this page reads GET /api/morning every second (with the
 * protocol's schema) and draws participants × chapters — passed, failing
 * (with the test each is stuck on), not run — the chapter the room is stuck
 * on most, and how many passed each chapter.
 */
import { API_PATHS, morningBoardSchema, type ChapterProgress, type MorningBoard } from '@banana-market/protocol';

const POLL_MS = 1000;

const $ = <T extends HTMLElement>(id: string): T => {
  const element = document.getElementById(id);
  if (element === null) throw new Error(`the morning page is missing #${id}`);
  return element as T;
};

const chapterLabel = (chapter: number) => String(chapter).padStart(2, '0');
const passed = (c: ChapterProgress) => c.failed === 0 && c.passed > 0;

function cell(tag: 'td' | 'th', text: string, className?: string, title?: string): HTMLElement {
  const element = document.createElement(tag);
  element.textContent = text;
  if (className !== undefined) element.className = className;
  if (title !== undefined) element.title = title;
  return element;
}

function row(cells: readonly HTMLElement[], key?: string): HTMLTableRowElement {
  const tr = document.createElement('tr');
  if (key !== undefined) tr.dataset.participant = key;
  tr.append(...cells);
  return tr;
}

export function render(board: MorningBoard): void {
  const { chapters, participants, stuck } = board;
  $('summary').textContent =
    participants.length === 0
      ? 'Waiting for the first report: participants run npm run exercises -- --report THIS-SERVER.'
      : `${participants.length} participant${participants.length === 1 ? '' : 's'} reporting; the newest report first.`;
  $('stuck').textContent =
    stuck === null ? '' : `The room is stuck on chapter ${chapterLabel(stuck.chapter)} — ${stuck.title} (${stuck.participants} failing)`;
  $('head').replaceChildren(
    row([
      cell('th', 'participant', 'participant'),
      ...chapters.map((c) => cell('th', chapterLabel(c.chapter), undefined, c.title)),
      cell('th', 'stuck on', 'participant'),
    ]),
  );
  $('rows').replaceChildren(
    ...participants.map((p) => {
      const byChapter = new Map(p.chapters.map((c) => [c.chapter, c]));
      const firstFailing = p.chapters.find((c) => !passed(c));
      return row(
        [
          cell('td', p.participant, 'participant', `last report ${new Date(p.reportedAt).toLocaleTimeString()}`),
          ...chapters.map(({ chapter }) => {
            const c = byChapter.get(chapter);
            if (c === undefined) return cell('td', '·', 'none', 'not run');
            return passed(c)
              ? cell('td', '✔', 'passed', `${c.passed}/${c.passed}`)
              : cell('td', `${c.passed}/${c.passed + c.failed}`, 'failing', c.next);
          }),
          cell('td', firstFailing === undefined ? 'all done' : `${chapterLabel(firstFailing.chapter)}: ${firstFailing.next ?? 'failing'}`, 'next'),
        ],
        p.participant,
      );
    }),
  );
  $('foot').replaceChildren(
    row([
      cell('td', 'passed', 'participant'),
      ...chapters.map(({ chapter }) =>
        cell('td', String(participants.filter((p) => p.chapters.some((c) => c.chapter === chapter && passed(c))).length)),
      ),
      cell('td', ''),
    ]),
  );
}

async function poll(): Promise<void> {
  try {
    const response = await fetch(API_PATHS.morningBoard, { cache: 'no-store' });
    const body: unknown = await response.json();
    if (!response.ok) {
      $('summary').textContent = (body as { message?: string }).message ?? `the server answered ${response.status}`;
    } else {
      const board = morningBoardSchema.safeParse(body);
      if (board.success) render(board.data);
      else $('summary').textContent = `the server's board is not readable: ${board.error.issues[0]?.message ?? 'unknown'}`;
    }
  } catch (err) {
    $('summary').textContent = `the game server does not answer (${(err as Error).message}); retrying`;
  }
  document.body.dataset.polledAt = String(Date.now());
  setTimeout(() => void poll(), POLL_MS);
}

void poll();
