// Numbers as people type them: `8k`, `1.5t`, `7e9`, `2^15`, `4*8`.
import { createRequire } from 'node:module';

const SUFFIX = { k: 1e3, m: 1e6, b: 1e9, t: 1e12 } as const;
/** token counts: `ctx=8k` means 8,192 tokens, as model cards write context lengths */
const BINARY_SUFFIX = { k: 2 ** 10, m: 2 ** 20, b: 2 ** 30, t: 2 ** 40 } as const;

export type SuffixBase = 'decimal' | 'binary';

let evaluateExpression: ((expression: string) => unknown) | undefined;

/**
 * mathjs's ESM entry loads hundreds of modules (~0.8 s); its single-file bundle loads in ~0.15 s,
 * and only when an expression is typed, so plain numbers keep the CLI fast.
 */
export function mathEvaluate(expression: string): unknown {
  if (!evaluateExpression) {
    const math = createRequire(import.meta.url)('mathjs/lib/browser/math.js') as { evaluate(e: string): unknown };
    evaluateExpression = (e) => math.evaluate(e);
  }
  return evaluateExpression(expression);
}

export class QuantityError extends Error {
  override name = 'QuantityError';
}

/** Parses a positive quantity; throws QuantityError with a sentence saying what was wrong. */
export function parseQuantity(text: string, base: SuffixBase = 'decimal'): number {
  const table = base === 'binary' ? BINARY_SUFFIX : SUFFIX;
  const trimmed = text.trim().toLowerCase();
  const plain = /^(\d+(?:\.\d+)?(?:e\d+)?)([kmbt]?)$/.exec(trimmed);
  if (plain) {
    const value = Number(plain[1]) * (plain[2] ? table[plain[2] as keyof typeof table] : 1);
    if (!Number.isFinite(value)) throw new QuantityError(`"${text}" is too large to be a number`);
    return value;
  }
  if (!/^[\d\s.+\-*/^()kmbte]+$/.test(trimmed)) throw new QuantityError(`"${text}" is not a number`);
  const expression = trimmed.replace(/(\d(?:\.\d+)?)([kmbt])(?![a-z])/g, (_, n: string, s: keyof typeof table) => `(${n}*${table[s]})`);
  let value: unknown;
  try {
    value = mathEvaluate(expression);
  } catch {
    throw new QuantityError(`"${text}" is not a number or arithmetic expression`);
  }
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new QuantityError(`"${text}" does not evaluate to a number`);
  return value;
}

export function parsePositiveInteger(text: string, what: string, base: SuffixBase = 'decimal'): number {
  const value = parseQuantity(text, base);
  const shown = text.trim() === String(value) ? text.trim() : `${text} = ${value}`;
  if (!Number.isInteger(value) || value < 1) throw new QuantityError(`${what} must be a whole number ≥ 1, got ${shown}`);
  if (value > Number.MAX_SAFE_INTEGER) throw new QuantityError(`${what} is too large to count exactly (at most 2^53), got ${shown}`);
  return value;
}
