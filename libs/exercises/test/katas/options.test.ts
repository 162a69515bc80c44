/** `npm run exercises`' flags: what is taken, and what is refused with an error naming the flag. */
import { describe, expect, it } from 'vitest';
import { parseOptions, usage } from '../../tools/options.js';

const CHAPTERS = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14];

const errorOf = (argv: string[]) => {
  const parsed = parseOptions(argv, CHAPTERS);
  if (parsed.ok) throw new Error(`${argv.join(' ')} was taken: ${JSON.stringify(parsed.options)}`);
  return parsed.error;
};
const optionsOf = (argv: string[]) => {
  const parsed = parseOptions(argv, CHAPTERS);
  if (!parsed.ok) throw new Error(`${argv.join(' ')} was refused: ${parsed.error}`);
  return parsed.options;
};

describe('parseOptions', () => {
  it('takes no flag as every chapter of your katas', () => {
    expect(optionsOf([])).toEqual({ source: 'chapters', json: false, help: false });
  });

  it('takes --chapter, --solutions, --json, --report and --name', () => {
    expect(optionsOf(['--chapter', '4', '--solutions', '--json', '--report', 'http://coach:3000', '--name', 'alice'])).toEqual({
      source: 'solutions',
      chapter: 4,
      json: true,
      help: false,
      report: 'http://coach:3000',
      name: 'alice',
    });
  });

  it('refuses a chapter that does not exist, naming the flag and the range of the chapters given', () => {
    expect(errorOf(['--chapter', '42'])).toBe('--chapter: there is no chapter 42: chapters are 0-14');
    expect(errorOf(['--chapter', 'four'])).toBe('--chapter needs a chapter number (0-14), got "four"');
  });

  it('takes --live N with --kafka HOST:PORT, --name and --solutions', () => {
    expect(optionsOf(['--live', '5', '--kafka', '192.168.1.20:9092', '--name', 'alice'])).toEqual({
      source: 'chapters',
      json: false,
      help: false,
      live: 5,
      kafka: ['192.168.1.20:9092'],
      name: 'alice',
    });
    expect(optionsOf(['--live', '5', '--kafka', 'kafka-1:9092, kafka-2:9093', '--solutions'])).toMatchObject({
      source: 'solutions',
      live: 5,
      kafka: ['kafka-1:9092', 'kafka-2:9093'],
    });
  });

  it('refuses --live without --kafka, and --kafka without --live', () => {
    expect(errorOf(['--live', '5'])).toBe("--live needs --kafka HOST:PORT, the game's broker");
    expect(errorOf(['--kafka', 'localhost:9092'])).toBe('--kafka goes with --live');
  });

  it('refuses a --live chapter that does not exist, and a missing value, naming the flag', () => {
    expect(errorOf(['--live', '15', '--kafka', 'localhost:9092'])).toBe('--live: there is no chapter 15: chapters are 0-14');
    expect(errorOf(['--live', 'five', '--kafka', 'localhost:9092'])).toBe('--live needs a chapter number (0-14), got "five"');
    expect(errorOf(['--kafka', 'localhost:9092', '--live'])).toContain("'--live <value>' argument missing");
  });

  it('refuses a broker that is not HOST:PORT, naming --kafka and the broker', () => {
    for (const broker of ['localhost', 'http://localhost:9092', 'localhost:0', 'localhost:70000', 'a:9092,', 'bad host:9092']) {
      expect(errorOf(['--live', '5', '--kafka', broker])).toMatch(/^--kafka needs the broker as HOST:PORT .*, got "/);
    }
  });

  it('refuses what does not go with --live (it runs one chapter, no tests)', () => {
    const live = ['--live', '5', '--kafka', 'localhost:9092'];
    expect(errorOf([...live, '--chapter', '5'])).toBe('--chapter does not go with --live (--live runs one chapter on the broker, no tests)');
    expect(errorOf([...live, '--json'])).toBe('--json does not go with --live (--live runs one chapter on the broker, no tests)');
    expect(errorOf([...live, '--report', 'http://coach:3000'])).toBe(
      '--report does not go with --live (--live runs one chapter on the broker, no tests)',
    );
  });

  it('takes --name only with --report or --live, and by the board’s rule for a name', () => {
    expect(errorOf(['--name', 'alice'])).toBe('--name goes with --report or --live');
    expect(errorOf(['--live', '5', '--kafka', 'localhost:9092', '--name', 'alice/bob'])).toMatch(/^--name must be 1-64 characters/);
  });

  it('prints the chapter range of the chapters it is given', () => {
    expect(usage([0, 1, 2, 13])).toContain('--chapter N   run chapter N only (0-13)');
    expect(usage([0, 1, 2, 13])).toContain('--live N      run your chapter N (0-13)');
  });
});
