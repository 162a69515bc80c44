import { KStreamImpl, type KStream } from './kstream.js';
import type { TopologyGraph } from './topology.js';

export interface BranchedKStream<K, V> {
  /** The first branch whose predicate matches takes the record. */
  branch(predicate: (key: K, value: V) => boolean, name: string): BranchedKStream<K, V>;
  /** What no branch took; named 'default' unless given. */
  defaultBranch(name?: string): Record<string, KStream<K, V>>;
  noDefaultBranch(): Record<string, KStream<K, V>>;
}

interface Branch<K, V> {
  readonly name: string;
  readonly predicate: (key: K, value: V) => boolean;
}

export class BranchedKStreamImpl<K, V> implements BranchedKStream<K, V> {
  private readonly branches: Branch<K, V>[] = [];
  private done = false;

  constructor(
    private readonly graph: TopologyGraph,
    private readonly parentName: string,
    /** A branch of a stream whose key changed must still be repartitioned before a stateful operation. */
    private readonly repartitionRequired = false,
  ) {}

  branch(predicate: (key: K, value: V) => boolean, name: string): BranchedKStream<K, V> {
    this.requireOpen();
    if (name === '') throw new RangeError('branch: a name is required');
    if (this.branches.some((b) => b.name === name)) throw new Error(`branch: two branches are named "${name}"`);
    this.branches.push({ name, predicate });
    return this;
  }

  defaultBranch(name = 'default'): Record<string, KStream<K, V>> {
    return this.build([...this.branches, { name, predicate: () => true }]);
  }

  noDefaultBranch(): Record<string, KStream<K, V>> {
    return this.build(this.branches);
  }

  private build(branches: readonly Branch<K, V>[]): Record<string, KStream<K, V>> {
    this.requireOpen();
    if (new Set(branches.map((b) => b.name)).size !== branches.length) throw new Error('split: a branch and the default branch share a name');
    this.done = true;
    const childNames = branches.map(() => this.graph.newName('KSTREAM-BRANCHCHILD'));
    const splitter = this.graph.addProcessor('KSTREAM-BRANCH', [this.parentName], (context) => ({
      process: (r) => {
        const index = branches.findIndex((b) => b.predicate(r.key as K, r.value as V));
        if (index >= 0) context.forward(r, childNames[index]);
      },
    }));
    const streams: Record<string, KStream<K, V>> = {};
    branches.forEach((b, i) => {
      this.graph.addNode({ name: childNames[i], parents: [splitter], storeNames: [], create: (context) => ({ process: (r) => context.forward(r) }) });
      streams[b.name] = new KStreamImpl<K, V>(this.graph, childNames[i], this.repartitionRequired);
    });
    return streams;
  }

  private requireOpen(): void {
    if (this.done) throw new Error('split: the branches were already built');
  }
}
