// Quantities with units as people type them: `3 days`, `36h`, `400 Gbps`, `25 GB/s`, `2 MB`,
// `50k/day`, `40%`. Units go through mathjs; a bare number takes the unit its key implies.
import { mathEvaluate, parseQuantity, QuantityError } from './quantity.ts';

/** what a measure is, and the unit it is returned in */
export type Dimension = 'time' | 'bytes' | 'bandwidth';
const BASE_UNIT: Record<Dimension, string> = { time: 's', bytes: 'B', bandwidth: 'B/s' };
const NOUN: Record<Dimension, string> = { time: 'time', bytes: 'size in bytes', bandwidth: 'bandwidth' };
const EXAMPLES: Record<Dimension, string> = { time: '3 days, 36h, 90min', bytes: '2 MB, 14GB, 1.5 TiB', bandwidth: '400 Gbps, 25 GB/s' };

interface MathUnit {
  equalBase(other: MathUnit): boolean;
  toNumber(unit: string): number;
}

/** Spellings people use that mathjs does not know: `KB` (mathjs: kB), `Gbps`, `MBps`, `hrs`, `30m`, `3d`. */
function normalizeUnits(text: string, dimension: Dimension): string {
  const spaced = text.replace(/(\d)\s*([a-zA-Z])/g, '$1 $2');
  const timed =
    dimension !== 'time'
      ? spaced
      : spaced
          .replace(/\bm\b/g, 'minute')
          .replace(/\bd\b/g, 'day')
          .replace(/\bw\b/g, 'week')
          .replace(/\bmo\b/g, 'month')
          .replace(/\by\b/g, 'year');
  return timed
    .replace(/\bK(i?[bB])/g, 'k$1')
    .replace(/\b([kMGTP]?i?)bps\b/g, '$1b/s')
    .replace(/\b([kMGTP]?i?)Bps\b/g, '$1B/s')
    .replace(/\b(hrs?)\b/gi, 'h')
    .replace(/\b(mins?)\b/gi, 'minute')
    .replace(/\b(secs?)\b/gi, 's');
}

/**
 * A measure in the dimension's base unit (seconds, bytes, bytes per second). A bare number is in
 * `bareUnit` (e.g. `hours=24` is 24 h); throws QuantityError saying what was expected.
 */
export function parseMeasure(text: string, dimension: Dimension, bareUnit: string): number {
  let value: unknown;
  // a bare number or arithmetic, without k/m/b/t suffixes: in a time, `30m` is minutes, not millions
  if (!/[a-z%]/i.test(text)) return positive(text, parseQuantity(text) * unitFactor(bareUnit, dimension));
  try {
    value = mathEvaluate(normalizeUnits(text.trim(), dimension));
  } catch {
    throw new QuantityError(`"${text}" is not a ${NOUN[dimension]} (try ${EXAMPLES[dimension]})`);
  }
  const unit = value as MathUnit;
  if (typeof unit?.equalBase !== 'function' || !unit.equalBase(mathEvaluate(`1 ${BASE_UNIT[dimension]}`) as MathUnit)) {
    throw new QuantityError(`"${text}" is not a ${NOUN[dimension]} (try ${EXAMPLES[dimension]})`);
  }
  return positive(text, unit.toNumber(BASE_UNIT[dimension]));
}

function positive(text: string, value: number): number {
  if (!(value > 0) || !Number.isFinite(value)) throw new QuantityError(`"${text}" must be more than zero`);
  return value;
}

function unitFactor(unit: string, dimension: Dimension): number {
  return (mathEvaluate(`1 ${normalizeUnits(unit, dimension)}`) as MathUnit).toNumber(BASE_UNIT[dimension]);
}

/** `40%`, `0.4` or `40` (read as percent when above 1) as a fraction in (0, 1]. */
export function parseFraction(text: string): number {
  const trimmed = text.trim();
  const percent = trimmed.endsWith('%');
  const value = parseQuantity(percent ? trimmed.slice(0, -1) : trimmed);
  const fraction = percent || value > 1 ? value / 100 : value;
  if (!(fraction > 0 && fraction <= 1)) throw new QuantityError(`"${text}" must be a share between 0% and 100%, e.g. 40%`);
  return fraction;
}

/** `50k/day`, `20/s`, `5%/h`: a count per unit of time, returned per second. */
export function parseRate(text: string, bareTimeUnit: string): number {
  const match = /^(.+?)\s*\/\s*([a-z]+)$/i.exec(text.trim());
  const count = match ? match[1]!.trim() : text.trim();
  const per = match ? match[2]! : bareTimeUnit;
  const amount = count.endsWith('%') ? parseFraction(count) : parseQuantity(count);
  let seconds: number;
  try {
    seconds = parseMeasure(`1 ${per}`, 'time', 's');
  } catch {
    throw new QuantityError(`"${text}": "${per}" is not a unit of time (try 50k/day, 20/s, 5%/h)`);
  }
  return amount / seconds;
}
