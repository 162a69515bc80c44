/**
 * --strategy NAME picks a built-in strategy; --strategy path/to/bot.ts loads a
 * participant's file, which exports a `decide` function (or a whole Strategy)
 * as default or named export.
 */
import { existsSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { STRATEGIES } from '@banana-market/engine';
import type { BotContext, BotDecision, Strategy } from '@banana-market/engine';
import { BotSetupError } from '../client/transport.js';

type DecideFunction = (context: BotContext) => readonly BotDecision[] | BotDecision | undefined;

export async function loadStrategy(spec: string): Promise<Strategy> {
  const builtIn = STRATEGIES[spec];
  if (builtIn !== undefined) return builtIn;
  const looksLikeFile = /[./\\]/.test(spec);
  if (!looksLikeFile) {
    throw new BotSetupError(`unknown strategy "${spec}": expected one of ${Object.keys(STRATEGIES).join(', ')}, or a path to your bot file`);
  }
  const path = resolve(spec);
  if (!existsSync(path)) throw new BotSetupError(`bot file not found: ${path}`);
  let module: Record<string, unknown>;
  try {
    module = (await import(pathToFileURL(path).href)) as Record<string, unknown>;
  } catch (err) {
    throw new BotSetupError(`your bot file ${spec} failed to load: ${(err as Error).stack ?? String(err)}`);
  }
  const exported = module.default ?? module.decide ?? module.strategy;
  if (typeof exported === 'function') return fromDecide(spec, exported as DecideFunction);
  if (typeof exported === 'object' && exported !== null && typeof (exported as Strategy).decide === 'function') return exported as Strategy;
  throw new BotSetupError(`${spec} must export a decide(context) function (export default function decide…) or a Strategy`);
}

function fromDecide(spec: string, decide: DecideFunction): Strategy {
  return {
    // The file's name, as a trader's name may spell it (a simulation's tables use it): bots/alice.ts → alice.
    name:
      basename(spec)
        .replace(/\.[cm]?[jt]s$/, '')
        .replace(/[^A-Za-z0-9_.-]/g, '-')
        .slice(0, 64) || 'your-bot',
    description: `your bot (${spec})`,
    decide: (context) => {
      const out = decide(context);
      if (out === undefined) return [];
      return Array.isArray(out) ? out : [out as BotDecision];
    },
  };
}
