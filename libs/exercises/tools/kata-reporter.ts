/**
 * The vitest reporter of `npm run exercises`: writes each test's outcome, with
 * the whole failure — message, expected/actual diff and where it failed — to
 * the JSON file named by KATA_REPORT_FILE. (vitest's own JSON reporter keeps
 * only the message and stack, not the diff.)
 */
import { writeFileSync } from 'node:fs';
import { relative } from 'node:path';
import type { Reporter, TestCase, TestModule, Vitest } from 'vitest/node';

type TestError = NonNullable<ReturnType<TestCase['result']>['errors']>[number];
type ModuleError = ReturnType<TestModule['errors']>[number];

export interface KataReport {
  readonly files: readonly KataReportFile[];
}

export interface KataReportFile {
  /** The test file's absolute path. */
  readonly file: string;
  /** Why the file could not run at all (a syntax error, an import that throws). */
  readonly loadErrors: readonly KataError[];
  readonly tests: readonly KataReportTest[];
}

export interface KataReportTest {
  /** The test's describe blocks below the outermost one (which only repeats the chapter's name), then its name. */
  readonly path: readonly string[];
  readonly state: 'passed' | 'failed' | 'skipped' | 'pending';
  readonly errors: readonly KataError[];
}

export interface KataError {
  /** `AssertionError` for an expectation that failed, else what the code threw: `TypeError`, `Error`… */
  readonly name: string;
  /** The whole message: with `chaiConfig.truncateThreshold: 0`, records in it are not shortened. */
  readonly message: string;
  /** `- Expected / + Received`, record by record, field by field, when the assertion compares values. */
  readonly diff?: string;
  /** The first place in the katas where it failed, e.g. `chapters/04-tumbling-windows/kata.test.ts:56:44`. */
  readonly at?: string;
}

export default class KataReporter implements Reporter {
  private root = process.cwd();

  onInit(vitest: Vitest): void {
    this.root = vitest.config.root;
  }

  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    const outputFile = process.env.KATA_REPORT_FILE;
    if (outputFile === undefined || outputFile === '') throw new Error('KataReporter needs KATA_REPORT_FILE, the JSON file to write');
    const report: KataReport = { files: testModules.map((module) => this.fileOf(module)) };
    writeFileSync(outputFile, JSON.stringify(report));
  }

  private fileOf(module: TestModule): KataReportFile {
    return {
      file: module.moduleId,
      loadErrors: module.errors().map((error) => this.errorOf(error)),
      tests: [...module.children.allTests()].map((test) => this.testOf(test)),
    };
  }

  private testOf(test: TestCase): KataReportTest {
    const result = test.result();
    return { path: pathOf(test), state: result.state, errors: (result.errors ?? []).map((error) => this.errorOf(error)) };
  }

  private errorOf(error: TestError | ModuleError): KataError {
    const diff = typeof error.diff === 'string' && error.diff !== '' ? error.diff : undefined;
    const frame = error.stacks?.find((s) => !s.file.includes('node_modules') && /[\\/](chapters|solutions)[\\/]/.test(s.file));
    const at = frame === undefined ? undefined : `${relative(this.root, frame.file)}:${frame.line}:${frame.column}`;
    return { name: error.name ?? 'Error', message: error.message, ...(diff !== undefined ? { diff } : {}), ...(at !== undefined ? { at } : {}) };
  }
}

function pathOf(test: TestCase): string[] {
  const names = [test.name];
  for (let parent = test.parent; parent.type === 'suite'; parent = parent.parent) names.unshift(parent.name);
  return names.slice(1);
}
