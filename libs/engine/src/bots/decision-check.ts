/**
 * A decision a strategy returned, checked with the protocol's own body
 * schema of its action (the one HTTP and WebSocket orders are checked with),
 * so a participant's bot gets the verdict the server would give, in words,
 * before anything is sent: `invest: expected {kind: "invest", invested: …},
 * got {"kind":"invest","coins":3} (invested: is missing (expected a number of coins))`.
 */
import { ACTION_KINDS, ACTIONS, validate, type ActionKind } from '@banana-market/protocol';
import type { z } from 'zod';
import type { BotDecision } from './strategy.js';

export type DecisionCheck = { readonly ok: true; readonly decision: BotDecision } | { readonly ok: false; readonly problem: string };

/** The fields a decision of this kind carries (its order's, without the time and txnId the runner adds). */
function shapeOf(kind: ActionKind): string {
  const fields = Object.keys((ACTIONS[kind].bodySchema as unknown as { shape: Record<string, unknown> }).shape).filter(
    (field) => field !== 'time' && field !== 'txnId',
  );
  return `{kind: "${kind}", ${fields.map((field) => `${field}: …`).join(', ')}}`;
}

/** A value as the message shows it: JSON, with what JSON cannot say (NaN, Infinity, undefined) spelt out; cut at 160 characters. */
export function describeValue(value: unknown): string {
  let text: string;
  try {
    text =
      JSON.stringify(value, (_key, v: unknown) =>
        typeof v === 'number' && !Number.isFinite(v) ? `<${v}>` : v === undefined ? '<undefined>' : typeof v === 'function' ? '<function>' : v,
      ) ?? String(value);
  } catch {
    text = String(value);
  }
  text = text.replace(/"<(NaN|-?Infinity|undefined|function)>"/g, '$1');
  return text.length > 160 ? `${text.slice(0, 157)}…` : text;
}

export function checkDecision(value: unknown): DecisionCheck {
  const got = describeValue(value);
  const kinds = ACTION_KINDS.map((k) => `"${k}"`).join(', ');
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { ok: false, problem: `expected a decision such as ${shapeOf('market')}, got ${got}` };
  }
  const { kind, ...fields } = value as Record<string, unknown>;
  if (typeof kind !== 'string' || !(ACTION_KINDS as readonly string[]).includes(kind)) {
    return { ok: false, problem: `kind: expected one of ${kinds}, got ${describeValue(kind)} in ${got}` };
  }
  const actionKind = kind as ActionKind;
  const checked = validate(ACTIONS[actionKind].bodySchema as z.ZodType<Record<string, unknown>>, fields, 'decision');
  if (!checked.ok) return { ok: false, problem: `${kind}: expected ${shapeOf(actionKind)}, got ${got} (${checked.error.message})` };
  return { ok: true, decision: { kind: actionKind, ...checked.value } as BotDecision };
}
