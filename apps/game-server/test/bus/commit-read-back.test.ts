/**
 * CommitReadBack: a read model's records come from this process's commits or from its consumer, each
 * exactly once and in offset order per partition, and the consumer fetches a partition only while
 * something it cannot get from a commit may lie there. (Against a real broker: read-back-from-commits.test.ts.)
 */
import { describe, expect, it } from 'vitest';
import { CommitReadBack, type CommittedPlace } from '../../src/bus/commit-read-back.js';

const TOPIC = 'answers';

/** A read model over one topic, recording what it was handed and what its consumer was told. */
function harness() {
  const handed: string[] = [];
  const control: string[] = [];
  const readBack = new CommitReadBack<CommittedPlace>(
    new Set([TOPIC]),
    {
      pause: (topic, partition) => control.push(`pause ${topic}/${partition}`),
      resume: (topic, partition, from) => control.push(`resume ${topic}/${partition}@${from}`),
    },
    (record) => handed.push(`commit ${record.partition}@${record.offset}`),
  );
  const fetch = (partition: number, offset: number) =>
    readBack.fetchedRecord(TOPIC, partition, BigInt(offset), () => handed.push(`fetch ${partition}@${offset}`));
  /** A transaction of task `owner`: its records at these offsets of `partition`. */
  const commit = (partition: number, offsets: number[], owner = partition, owns = true) =>
    readBack.committed(
      offsets.map((offset) => ({ topic: TOPIC, partition, offset: BigInt(offset), owner })),
      () => owns,
    );
  return { readBack, handed, control, fetch, commit };
}

describe('CommitReadBack', () => {
  it('leaves a partition to its consumer until the consumer has handed one record over (where it stands is unknown before)', () => {
    const { readBack, handed, control, fetch, commit } = harness();
    commit(0, [0, 1]);
    expect(handed).toEqual([]);
    fetch(0, 0);
    // Fetched 0, then the commit's 1 follows it: handed over from the commit, and the partition is its own task's alone now.
    expect(handed).toEqual(['fetch 0@0', 'commit 0@1']);
    expect(control).toEqual(['pause answers/0']);
    expect(readBack.counts()).toEqual({ fromCommits: 1, fetched: 1, paused: ['answers/0'] });
  });

  it('hands a commit over across its previous commit’s marker, each record once, whichever source comes first', () => {
    const { handed, control, fetch, commit } = harness();
    fetch(0, 9);
    commit(0, [10, 11, 12]); // marker at 13
    commit(0, [14, 15]); // marker at 16
    // The consumer, fetching before it was paused, hands over nothing twice.
    fetch(0, 10);
    fetch(0, 15);
    commit(0, [17]);
    expect(handed).toEqual(['fetch 0@9', 'commit 0@10', 'commit 0@11', 'commit 0@12', 'commit 0@14', 'commit 0@15', 'commit 0@17']);
    expect(control).toEqual(['pause answers/0']);
  });

  it('queues a commit behind records it does not know and hands it over once the consumer has read them', () => {
    const { handed, control, fetch, commit } = harness();
    fetch(0, 4);
    commit(0, [5]); // marker at 6
    // Somebody else wrote at 7 (and 8): the next commit lands at 9, which does not follow the gate.
    commit(0, [9, 10]);
    expect(handed).toEqual(['fetch 0@4', 'commit 0@5']);
    expect(control).toEqual(['pause answers/0', 'resume answers/0@6']);
    fetch(0, 7);
    expect(handed.at(-1)).toBe('fetch 0@7');
    fetch(0, 8);
    expect(handed.slice(-3)).toEqual(['fetch 0@8', 'commit 0@9', 'commit 0@10']);
    // Caught up: paused again.
    expect(control.at(-1)).toBe('pause answers/0');
    // The consumer reads 9 and 10 too (it was fetching): skipped.
    fetch(0, 9);
    fetch(0, 10);
    expect(handed.filter((h) => h.endsWith('@9') || h.endsWith('@10'))).toHaveLength(2);
  });

  it('does not take one foreign record for its own commit marker', () => {
    const { handed, control, fetch, commit } = harness();
    fetch(0, 0);
    // The consumer read a foreign record right after 0, where no marker of this process is: 2 does not follow.
    fetch(0, 1);
    commit(0, [3]);
    expect(handed).toEqual(['fetch 0@0', 'fetch 0@1']);
    fetch(0, 2);
    expect(handed.slice(-2)).toEqual(['fetch 0@2', 'commit 0@3']);
    expect(control).toEqual(['pause answers/0']);
  });

  it('keeps fetching a partition another task of this process (or one it no longer holds) writes', () => {
    const { control, fetch, commit } = harness();
    fetch(2, 0);
    commit(2, [1], 5); // task 5 answering under a 2018 spelling of a key that lands in partition 2
    fetch(3, 0);
    commit(3, [1], 3, false); // task 3 is no longer this process's
    expect(control).toEqual([]);
  });

  it('resumes a paused partition at its gate when its task leaves, and when the broker shows records past it', () => {
    const { readBack, control, fetch, commit } = harness();
    fetch(0, 0);
    commit(0, [1, 2]); // marker at 3
    fetch(1, 0);
    commit(1, [1]); // marker at 2
    expect(readBack.pausedPartitions()).toEqual([
      { topic: TOPIC, partition: 0 },
      { topic: TOPIC, partition: 1 },
    ]);
    // The marker's place only: nothing foreign.
    readBack.endsChecked(TOPIC, new Map([[0, 4n]]));
    expect(control).toEqual(['pause answers/0', 'pause answers/1']);
    // One more record there (a forgery, another server's write): fetched from the gate.
    readBack.endsChecked(TOPIC, new Map([[0, 5n]]));
    expect(control.at(-1)).toBe('resume answers/0@3');
    readBack.tasksLeft([1]);
    expect(control.at(-1)).toBe('resume answers/1@2');
    expect(readBack.pausedPartitions()).toEqual([]);
    // Its task gone, a commit of the old owner's last transaction does not pause it again.
    commit(1, [3], 1, false);
    expect(control.at(-1)).toBe('resume answers/1@2');
  });

  it('unpauses everything for a new consumer and keeps the gates: it reads nothing twice', () => {
    const { readBack, handed, fetch, commit } = harness();
    fetch(0, 0);
    commit(0, [1]);
    readBack.consumerRestarted();
    expect(readBack.pausedPartitions()).toEqual([]);
    fetch(0, 0);
    fetch(0, 1);
    fetch(0, 3);
    expect(handed).toEqual(['fetch 0@0', 'commit 0@1', 'fetch 0@3']);
  });

  it('ignores the records of topics it does not read', () => {
    const { handed, fetch, readBack } = harness();
    fetch(0, 0);
    readBack.committed([{ topic: 'other', partition: 0, offset: 1n, owner: 0 }], () => true);
    expect(handed).toEqual(['fetch 0@0']);
  });
});
