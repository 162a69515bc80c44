/**
 * Issue #21: the rules as they are. The rules the README states in short, and
 * those docs/design.md states in full, are checked against the engine's own
 * numbers and word lists (DEFAULT_RULES, MKTD2018_RULES, readHype), so the
 * text cannot drift from what the engine applies: change a rule and this
 * test names the sentence to update; change a sentence and it names the rule.
 */
/// <reference types="vite/client" />
import { describe, expect, it } from 'vitest';
// The texts come in as modules (Vite's ?raw): the engine's code and tests do no file I/O.
import README from '../../../README.md?raw';
import DESIGN from '../../../docs/design.md?raw';
import { DEFAULT_RULES, gameRulesSchema, MKTD2018_RULES, readHype, type GameRules } from '../src/index.js';
const RULE_NAMES = new Set(Object.keys(gameRulesSchema.shape));

/** The text from a heading line to the next heading of the same or a higher level (or to `until`, a heading line). */
function section(markdown: string, heading: string, until?: string): string {
  const lines = markdown.split('\n');
  const start = lines.indexOf(heading);
  if (start < 0) throw new Error(`no heading "${heading}"`);
  const level = heading.match(/^#+/)?.[0].length ?? 1;
  const end = lines.findIndex(
    (line, i) => i > start && (until === undefined ? /^#+ /.test(line) && (line.match(/^#+/)?.[0].length ?? 9) <= level : line === until),
  );
  return lines.slice(start + 1, end < 0 ? undefined : end).join('\n');
}

/** One line per run of whitespace, so that re-wrapping a paragraph changes nothing. */
function flat(text: string): string {
  return text.replace(/\s+/g, ' ');
}

/** A number as the docs write it: "−0.3", "0.5 %", "10⁹", "1,256", `Number.MAX_SAFE_INTEGER`. */
function numberIn(text: string): number {
  const t = text.replace(/`/g, '').trim();
  if (t.startsWith('Number.MAX_SAFE_INTEGER')) return Number.MAX_SAFE_INTEGER;
  const m = t.match(/^([−-])?(\d[\d,]*(?:\.\d+)?)([⁰¹²³⁴⁵⁶⁷⁸⁹]+)?/);
  if (m === null) return Number.NaN;
  const base = Number(m[2].replace(/,/g, ''));
  const value = m[3] === undefined ? base : base ** Number([...m[3]].map((d) => '⁰¹²³⁴⁵⁶⁷⁸⁹'.indexOf(d)).join(''));
  return m[1] === undefined ? value : -value;
}

/** A rule's value as the docs write it: a number, true/false, a quoted string or a JSON array. */
function valueIn(text: string): unknown {
  const t = flat(text).replace(/`/g, '').trim();
  if (/^(true|false)\b/.test(t)) return t.startsWith('true');
  if (t.startsWith('"')) return JSON.parse(t.match(/^"[^"]*"/)?.[0] ?? '""');
  if (t.startsWith('[')) return JSON.parse(t.replace(/−/g, '-').match(/^\[[^\]]*\]/)?.[0] ?? '[]');
  return numberIn(t);
}

const WORD_NUMBERS: Record<string, number> = {
  one: 1,
  two: 2,
  three: 3,
  four: 4,
  five: 5,
  six: 6,
  seven: 7,
  eight: 8,
  nine: 9,
  ten: 10,
  eleven: 11,
  twelve: 12,
};
const product = (factors: readonly number[]) => factors.reduce((a, b) => a * b, 1);
const sameWords = (stated: string, words: readonly string[]) =>
  JSON.stringify(
    stated
      .split(/,\s*/)
      .map((w) => w.trim())
      .sort(),
  ) === JSON.stringify([...words].sort());

/**
 * A sentence the text must contain, and what it claims: each check names the
 * rule and says whether the captured text agrees with it.
 */
interface Claim {
  readonly sentence: RegExp;
  readonly checks: (m: RegExpMatchArray) => readonly (readonly [rule: string, ok: boolean])[];
}

const percent = (text: string) => numberIn(text) / 100;
const near = (a: number, b: number, tolerance = 1e-9) => Math.abs(a - b) <= tolerance;

function readmeClaims(r: GameRules, old: GameRules): Claim[] {
  return [
    {
      sentence: /You start with \*\*(\S+) coins and (\S+) shares\*\*/,
      checks: (m) => [
        ['startCoins', numberIn(m[1]) === r.startCoins],
        ['startShares', numberIn(m[2]) === r.startShares],
      ],
    },
    {
      sentence: /\*\*Hype\*\* comes from gibbs mentioning `([^`]+)` or `([^`]+)` \(in any case, anywhere in the text\)/,
      checks: (m) => [
        [
          'hypeTopics',
          sameWords(
            [m[1], m[2]].map((t) => t.toLowerCase()).join(', '),
            r.hypeTopics.map((t) => t.toLowerCase()),
          ),
        ],
      ],
    },
    {
      sentence:
        /every positive word in it adds \+(\S+) to the hype, every negative word −(\S+), at most ±(\S+) per gibb, within \[(\S+), \+(\S+)\]; one author's gibbs count at most (\d+) times a minute\./,
      checks: (m) => [
        ['hypePerWord (positive)', numberIn(m[1]) === r.hypePerWord],
        ['hypePerWord (negative)', numberIn(m[2]) === r.hypePerWord],
        ['hypeMaxPerGibb', numberIn(m[3]) === r.hypeMaxPerGibb],
        ['hypeMin', numberIn(m[4]) === r.hypeMin],
        ['hypeMax', numberIn(m[5]) === r.hypeMax],
        ['gibbsPerAuthorPerWindow', numberIn(m[6]) === r.gibbsPerAuthorPerWindow],
        ['gibbAuthorWindowMs (a minute)', r.gibbAuthorWindowMs === 60_000],
      ],
    },
    {
      sentence: /`#MKTD` is itself the positive word `mktd`: "([^"]+)" adds \+(\S+)\./,
      checks: (m) => [
        ['positiveWords has mktd', r.positiveWords.includes('mktd')],
        [`readHype("${m[1]}")`, readHype(m[1], r).delta === numberIn(m[2])],
      ],
    },
    {
      sentence: /The positive words are ([^;]+); the negative ones ([^.]+)\./,
      checks: (m) => [
        ['positiveWords', sameWords(m[1], r.positiveWords)],
        ['negativeWords', sameWords(m[2], r.negativeWords)],
      ],
    },
    {
      sentence:
        /Hype fades \(half-life (\d+) minutes\), and too much of it — either way — \*\*bursts\*\*: each gibb that moves the hype starts a burst \(unless one is under way\) with probability (\S+) × the hype beyond what already burst, and then (\w+) steps, (\d+) s apart, melt it to about (\d+) %\./,
      checks: (m) => [
        ['hypeHalfLifeMs', numberIn(m[1]) * 60_000 === r.hypeHalfLifeMs],
        ['negativeBursts (either way)', r.negativeBursts],
        ['burstProbabilityPerHype', numberIn(m[2]) === r.burstProbabilityPerHype],
        ['burstFactors (steps)', WORD_NUMBERS[m[3]] === r.burstFactors.length],
        ['burstStepMs', numberIn(m[4]) * 1000 === r.burstStepMs],
        ['burstFactors (what is left)', near(percent(m[5]), product(r.burstFactors), 0.005)],
      ],
    },
    {
      sentence: /\*\*Buy\/sell\*\* shares at the current price, with a (\S+) % fee each way\./,
      checks: (m) => [['tradeFee', near(percent(m[1]), r.tradeFee)]],
    },
    {
      sentence:
        /\*\*Invest\*\* coins in a plantation: they come back after (\d+) s with up to \+(\d+) % on average, less the more the whole market planted in the last (\d+) minutes and the more you already have growing — and \*less than you planted\* \(down to half\) when the market over-plants\./,
      checks: (m) => [
        ['plantationModel', r.plantationModel === 'saturating'],
        ['investDelayMs', numberIn(m[1]) * 1000 === r.investDelayMs],
        ['investYieldMax', near(percent(m[2]), r.investYieldMax)],
        ['investWindowMs', numberIn(m[3]) * 60_000 === r.investWindowMs],
        ['investReturnFloor (half)', r.investReturnFloor === 0.5],
      ],
    },
    {
      sentence: /Broke \(≤ (\d+) coins, no shares, nothing growing\)\? You are \*\*bailed out\*\* with (\d+) shares, but it costs (\d+) points/,
      checks: (m) => [
        ['bailoutMaxCoins', numberIn(m[1]) === r.bailoutMaxCoins],
        ['bailoutMaxShares (no shares)', r.bailoutMaxShares === 0],
        ['bailoutShares', numberIn(m[2]) === r.bailoutShares],
        ['bailoutCoins (shares only)', r.bailoutCoins === 0],
        ['bailoutPenalty', numberIn(m[3]) === r.bailoutPenalty],
      ],
    },
    {
      sentence: /\*\*Score = fed monkeys − (\d+) × bailouts\.\*\*/,
      checks: (m) => [['bailoutPenalty', numberIn(m[1]) === r.bailoutPenalty]],
    },
    {
      sentence:
        /`GAME_RULES_PRESET=mktd2018` plays the \*\*2018 rules exactly\*\*: a pure random walk with EMA factor (\S+), unbounded hype that bursts only upward and never fades, no trade fee, plantations that return ~(\S+)–(\d+) % whatever the market does \(after min\((\d+) ms × every coin ever invested, (\d+) s\)\), and bailouts of (\d+) coins \+ (\d+) shares/,
      checks: (m) => [
        ['mktd2018 priceReversion (pure random walk)', old.priceReversion === 0],
        ['mktd2018 emaFactor', numberIn(m[1]) === old.emaFactor],
        ['mktd2018 hypeMax (unbounded)', old.hypeMax >= 1e9 && old.hypeMin <= -1e9],
        ['mktd2018 negativeBursts (only upward)', !old.negativeBursts],
        ['mktd2018 hypeHalfLifeMs (never fades)', old.hypeHalfLifeMs === 0],
        ['mktd2018 tradeFee', old.tradeFee === 0],
        ['mktd2018 investMuBase', near(percent(m[2]), Math.exp(old.investMuBase) - 1, 0.0005)],
        ['mktd2018 investReturnCap', near(percent(m[3]), old.investReturnCap - 1)],
        ['mktd2018 investDelayPerCoinMs', numberIn(m[4]) === old.investDelayPerCoinMs],
        ['mktd2018 investMaxDelayMs', numberIn(m[5]) * 1000 === old.investMaxDelayMs],
        ['mktd2018 bailoutCoins', numberIn(m[6]) === old.bailoutCoins],
        ['mktd2018 bailoutShares', numberIn(m[7]) === old.bailoutShares],
      ],
    },
  ];
}

/** What the README's "The rules in short" gets wrong against these rules (nothing: []). */
function readmeProblems(readme: string, rules: GameRules = DEFAULT_RULES, old: GameRules = MKTD2018_RULES): string[] {
  const text = flat(section(readme, '## The rules in short', "### The economy's regression suite"));
  return readmeClaims(rules, old).flatMap(({ sentence, checks }) => {
    const m = text.match(sentence);
    if (m === null) return [`README: no sentence matches ${sentence.source}`];
    return checks(m)
      .filter(([, ok]) => !ok)
      .map(([rule]) => `README: "${m[0]}" disagrees with ${rule}`);
  });
}

/**
 * What docs/design.md's "Game rules" gets wrong: the first `name = value` of
 * each rule and each table row `| \`name\` | default | … |` against the
 * defaults (the 2018 preset's section against MKTD2018_RULES, its table's
 * `mktd2018` column too), the word lists, and the `#MKTD` example; and any
 * rule it never states.
 */
function designProblems(design: string, rules: GameRules = DEFAULT_RULES, old: GameRules = MKTD2018_RULES): string[] {
  const problems: string[] = [];
  const stated = new Set<string>();
  const check = (where: string, name: string, text: string, expected: unknown) => {
    stated.add(name);
    const value = valueIn(text);
    if (JSON.stringify(value) !== JSON.stringify(expected))
      problems.push(`design.md ${where}: ${name} = ${flat(text).trim()}, the engine has ${JSON.stringify(expected)}`);
  };
  const parts: [string, string, GameRules][] = [
    ['Game rules', section(design, '## Game rules', '### The 2018 preset'), rules],
    ['The 2018 preset', section(design, '### The 2018 preset'), old],
  ];
  for (const [where, text, expected] of parts) {
    const first = new Set<string>();
    for (const [, name, value] of text.matchAll(/`(\w+) =\s+([^`]+)`/g)) {
      if (!RULE_NAMES.has(name) || first.has(name)) continue;
      first.add(name);
      check(where, name, value, expected[name as keyof GameRules]);
    }
    for (const table of text.split(/\n\s*\n/).filter((block) => block.startsWith('|'))) {
      const [header, , ...rows] = table.split('\n').map((line) =>
        line
          .split('|')
          .slice(1, -1)
          .map((cell) => cell.trim()),
      );
      const columns: [number, GameRules][] = [];
      header.forEach((cell, i) => {
        if (cell === 'default') columns.push([i, rules]);
        if (cell === '`mktd2018`') columns.push([i, old]);
      });
      for (const row of rows) {
        const name = row[0]?.match(/^`(\w+)`$/)?.[1];
        if (name === undefined || !RULE_NAMES.has(name)) continue;
        for (const [i, values] of columns) check(`${where} table`, name, row[i], values[name as keyof GameRules]);
      }
    }
  }
  const rulesText = flat(section(design, '## Game rules', '### The 2018 preset'));
  const lists = rulesText.match(/- positive: ([^;]+); - negative: ([^.]+)\./);
  if (lists === null) problems.push('design.md: no "- positive: …; - negative: …." word lists');
  else {
    if (!sameWords(lists[1], rules.positiveWords)) problems.push(`design.md: the positive words are not positiveWords: ${lists[1]}`);
    if (!sameWords(lists[2], rules.negativeWords)) problems.push(`design.md: the negative words are not negativeWords: ${lists[2]}`);
    stated.add('positiveWords').add('negativeWords');
  }
  const example = rulesText.match(/`#MKTD` is itself the positive word `mktd`: "([^"]+)" reads \+(\S+)\./);
  if (example === null) problems.push('design.md: no "`#MKTD` is itself the positive word `mktd`: "…" reads +…." sentence');
  else if (readHype(example[1], rules).delta !== numberIn(example[2]))
    problems.push(`design.md: "${example[0]}" but readHype gives ${readHype(example[1], rules).delta}`);
  const burst = rulesText.match(/At the bounds the chance is at most (\S+) % per hype change \(\+(\S+)\) and (\S+) % \(−(\S+)\)/);
  if (burst === null) problems.push('design.md: no "At the bounds the chance is at most …" sentence');
  else {
    const [, upChance, up, downChance, down] = burst;
    if (numberIn(up) !== rules.hypeMax || -numberIn(down) !== rules.hypeMin)
      problems.push(`design.md: "${burst[0]}" names other bounds than hypeMin/hypeMax`);
    if (
      !near(percent(upChance), rules.hypeMax * rules.burstProbabilityPerHype) ||
      !near(percent(downChance), -rules.hypeMin * rules.burstProbabilityPerHype)
    )
      problems.push(`design.md: "${burst[0]}" disagrees with burstProbabilityPerHype`);
  }
  const full = rulesText.match(/A full burst \((\d+) s\) leaves about (\d+) % of the hype/);
  if (
    full === null ||
    numberIn(full[1]) * 1000 !== rules.burstFactors.length * rules.burstStepMs ||
    !near(percent(full[2]), product(rules.burstFactors), 0.005)
  )
    problems.push(`design.md: "${full?.[0] ?? 'A full burst (…) leaves about … % of the hype'}" disagrees with burstFactors and burstStepMs`);
  for (const name of RULE_NAMES) if (!stated.has(name)) problems.push(`design.md never states the rule ${name} as \`${name} = …\` or in a table`);
  return problems;
}

describe('the rules as the README states them in short', () => {
  it("are the engine's default rules (and the 2018 preset's), hype words included", () => {
    expect(readmeProblems(README)).toEqual([]);
  });

  it('would be caught stating a number, a word or a topic the engine does not apply', () => {
    // Each change, and the rule the problem must name.
    const changes: [string, string, string][] = [
      ['+0.01 to the hype', '+0.02 to the hype', 'hypePerWord'],
      ['You start with **10 coins', 'You start with **12 coins', 'startCoins'],
      ['adds +0.02.', 'adds +0.01.', 'readHype'],
      ['sure, solid, mktd, thank', 'sure, solid, thank', 'positiveWords'],
      ['bubble, burst,', 'bubble,', 'negativeWords'],
      ['half-life 5 minutes', 'half-life 10 minutes', 'hypeHalfLifeMs'],
      ['within [−0.3, +0.5]', 'within [−0.5, +0.5]', 'hypeMin'],
      ['ten steps, 5 s apart', 'nine steps, 5 s apart', 'burstFactors'],
      ['0.5 % fee', '1 % fee', 'tradeFee'],
      ['it costs 20 points', 'it costs 10 points', 'bailoutPenalty'],
      ['mentioning `banana` or `#MKTD`', 'mentioning `banana` or `MKTD`', 'hypeTopics'],
      ['with probability 0.05 ×', 'with probability 0.5 ×', 'burstProbabilityPerHype'],
    ];
    for (const [from, to, rule] of changes) {
      const wrapped = new RegExp(from.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/ /g, '\\s+'));
      expect(wrapped.test(README), `the README says "${from}"`).toBe(true);
      expect(readmeProblems(README.replace(wrapped, to)).join('\n'), `after "${from}" → "${to}"`).toContain(rule);
    }
  });

  it('would be caught when the engine changes a rule', () => {
    expect(readmeProblems(README, { ...DEFAULT_RULES, positiveWords: DEFAULT_RULES.positiveWords.filter((w) => w !== 'mktd') })).not.toEqual([]);
    expect(readmeProblems(README, { ...DEFAULT_RULES, hypeMaxPerGibb: 0.1 })).not.toEqual([]);
    expect(readmeProblems(README, { ...DEFAULT_RULES, bailoutShares: 3 })).not.toEqual([]);
  });
});

describe('the rules as docs/design.md states them in full', () => {
  it("are the engine's default rules, and the 2018 preset's", () => {
    expect(designProblems(DESIGN)).toEqual([]);
  });

  it('would be caught stating a number, a word or a default the engine does not apply', () => {
    // Each change, and the rule the problem must name.
    const changes: [string, string, string][] = [
      ['`hypePerWord = 0.01`', '`hypePerWord = 0.02`', 'hypePerWord'],
      ['`startCoins = 10`', '`startCoins = 12`', 'startCoins'],
      ['solid, mktd, thank', 'solid, thank', 'positiveWords'],
      ['| `investYieldMax` | 0.12', '| `investYieldMax` | 0.15', 'investYieldMax'],
      ['| `bailoutCoins` | 0 | 10 |', '| `bailoutCoins` | 0 | 5 |', 'bailoutCoins'],
      ['reads\n+0.02', 'reads\n+0.01', 'readHype'],
      ['`negativeBursts = true`', '`negativeBursts = false`', 'negativeBursts'],
      ['`bailoutPenalty = 20`', '`bailoutPenalty = 10`', 'bailoutPenalty'],
      ['`txnMemoryPerTrader = 1000`', 'a memory of 1000', 'never states the rule txnMemoryPerTrader'],
    ];
    for (const [from, to, rule] of changes) {
      expect(DESIGN.includes(from), `design.md says "${from}"`).toBe(true);
      expect(designProblems(DESIGN.replace(from, to)).join('\n'), `after "${from}" → "${to}"`).toContain(rule);
    }
  });
});
