/**
 * The morning katas live here (see the exercises issue). Until then this
 * package only states which chapters are planned, so the workspace builds.
 */
export const PLANNED_CHAPTERS = Object.freeze([
  'a first app',
  'stateless operations',
  'branching and merging',
  'grouping and aggregating',
  'tumbling windows',
  'hopping and sliding windows',
  'session windows',
  'state stores',
  'tables and joins',
  'errors',
]);
