/**
 * The bench's output: rows (report), their table's header (header), the other lines (log), and the
 * figures' helpers (percentile, round, fmt). As a table on stdout, or with `--json` (setJsonOutput,
 * called by main before any output) one JSON object a row on stdout and every other line on stderr.
 */

let json = false;

/** `--json`: rows as JSON objects, no table headers, log lines on stderr. */
export function setJsonOutput(on) {
  json = on;
}

export const round = (x) => (Number.isFinite(x) ? Math.round(x * 1000) / 1000 : null);
export const log = (line) => (json ? process.stderr.write(`${line}\n`) : console.log(line));
export const fmt = (x, width) => String(x ?? '-').padStart(width);

export function percentile(sorted, q) {
  return sorted.length === 0 ? Number.NaN : sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

/** Prints a row: as one JSON object with `--json`, else as `line()`, its line of the table. */
export function printRow(row, line) {
  console.log(json ? JSON.stringify(row) : line());
}

/** Prints a table's header line, except with `--json`. */
export function printHeader(line) {
  if (!json) console.log(line);
}

/**
 * One row: `load` says how it was loaded ('closed 200' or 'open 20/s'), `baselines` the rows it is
 * compared with (the first is `baseline` and `ratio`, the throughput ratio; p50Ratio and p99Ratio
 * compare the latencies, > 1 meaning slower than the baseline).
 */
export function report({ scenario, orders, seconds, latencies, load, unanswered = 0, note = '', baselines = [] }) {
  latencies.sort((a, b) => a - b);
  const row = {
    scenario,
    orders,
    seconds: round(seconds),
    ordersPerSecond: Math.round(orders / seconds),
    p50Ms: round(percentile(latencies, 0.5)),
    p99Ms: round(percentile(latencies, 0.99)),
    maxMs: round(latencies.at(-1) ?? Number.NaN),
    load,
  };
  if (unanswered > 0) row.unanswered = unanswered;
  const vs = baselines
    .filter((b) => b !== undefined)
    .map((b) => ({
      baseline: b.scenario,
      ratio: round(row.ordersPerSecond / b.ordersPerSecond),
      p50Ratio: round(row.p50Ms / b.p50Ms),
      p99Ratio: round(row.p99Ms / b.p99Ms),
    }));
  if (vs.length > 0)
    Object.assign(row, { baseline: vs[0].baseline, ratio: vs[0].ratio, p50Ratio: vs[0].p50Ratio, p99Ratio: vs[0].p99Ratio, baselines: vs });
  if (note) row.note = note.trim();
  printRow(row, () => {
    const against = vs.map((v) => `${v.ratio}× ${v.baseline} (p50 ${v.p50Ratio}×, p99 ${v.p99Ratio}×)`).join('; ');
    return `${scenario.padEnd(24)} ${load.padEnd(10)} ${fmt(row.ordersPerSecond, 7)} ${fmt(row.p50Ms, 9)} ${fmt(row.p99Ms, 9)} ${fmt(orders, 7)}  ${against}${unanswered > 0 ? `  (${unanswered} unanswered)` : ''}${note}`;
  });
  return row;
}

export function header() {
  printHeader(
    `${'scenario'.padEnd(24)} ${'load'.padEnd(10)} ${'orders/s'.padStart(7)} ${'p50 ms'.padStart(9)} ${'p99 ms'.padStart(9)} ${'orders'.padStart(7)}  vs baselines`,
  );
}
