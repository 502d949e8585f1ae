// The grammar the planning calculators share: `[words] key=value ... [flags]`, where a value may
// carry a unit as its own word (`days=3`, `time=3 days`, `link=400 Gbps`). Values are read lazily by
// type, and every bad value or unknown word becomes a UsageError naming what was understood.
import { type Dimension, parseFraction, parseMeasure, parseRate } from '../src/calc/measure.ts';
import { parsePositiveInteger, parseQuantity, QuantityError } from '../src/calc/quantity.ts';
import { UsageError } from './command.ts';

export interface PlanGrammar {
  /** accepted keys: alias → canonical name */
  keys: Record<string, string>;
  /** accepted bare words: alias → canonical flag */
  flags?: Record<string, string>;
  /** whether leading free words (a model or GPU name) are allowed */
  words?: boolean;
}

/** unit words that belong to the value before them */
const UNIT_WORD =
  /^(s|secs?|seconds?|m|mins?|minutes?|h|hrs?|hours?|d|days?|w|weeks?|mo|months?|y|years?|[kKMGTP]?i?[bB](ps|\/s)?|bytes?|bits?)$/;
/** words that only say what a count counts: `tokens=1.5T tokens` */
const NOISE_WORD = /^(tokens?|samples?|requests?|reqs?|gpus?|instances?|nodes?)$/i;

interface Value {
  token: string;
  text: string;
}

function positive(key: string, value: number): number {
  if (!(value > 0)) throw new QuantityError(`${key} must be more than zero`);
  return value;
}

export class PlanArgs {
  readonly words: string[] = [];
  private readonly values = new Map<string, Value>();
  private readonly flagSet = new Set<string>();
  private readonly understood: string[] = [];

  private constructor() {}

  static parse(text: string, grammar: PlanGrammar): PlanArgs {
    const args = new PlanArgs();
    const tokens = text.trim().split(/\s+/).filter(Boolean);
    const notUnderstood: string[] = [];
    for (let i = 0; i < tokens.length; i++) {
      const token = tokens[i]!;
      const assignment = /^([a-z_-]+)=(.*)$/i.exec(token);
      if (assignment) {
        let value = assignment[2]!;
        let shown = token;
        while (i + 1 < tokens.length && (UNIT_WORD.test(tokens[i + 1]!) || NOISE_WORD.test(tokens[i + 1]!))) {
          const next = tokens[++i]!;
          shown += ` ${next}`;
          if (UNIT_WORD.test(next)) value += ` ${next}`;
        }
        const key = grammar.keys[assignment[1]!.toLowerCase()];
        if (!key || !value) {
          notUnderstood.push(shown);
          continue;
        }
        const earlier = args.values.get(key);
        if (earlier && earlier.text !== value) {
          throw new UsageError(`${earlier.token} and ${shown}: give ${key} once`, { understood: args.understood, notUnderstood: [shown] });
        }
        args.values.set(key, { token: shown, text: value });
        args.understood.push(shown);
        continue;
      }
      const flag = grammar.flags?.[token.toLowerCase()];
      if (flag) {
        args.flagSet.add(flag);
        args.understood.push(token);
      } else if (grammar.words && args.understood.length === 0 && notUnderstood.length === 0) {
        args.words.push(token);
      } else {
        notUnderstood.push(token);
      }
    }
    if (notUnderstood.length) {
      const keys = [...new Set(Object.values(grammar.keys))].map((k) => `${k}=`).join(' ');
      const flags = grammar.flags ? ` ${[...new Set(Object.values(grammar.flags))].join(' ')}` : '';
      throw new UsageError(`did not understand ${notUnderstood.map((t) => `"${t}"`).join(', ')} (known: ${keys}${flags})`, {
        understood: [...args.words, ...args.understood],
        notUnderstood,
      });
    }
    return args;
  }

  has(key: string): boolean {
    return this.values.has(key);
  }

  flag(name: string): boolean {
    return this.flagSet.has(name);
  }

  /** the token as typed, for messages */
  token(key: string): string | undefined {
    return this.values.get(key)?.token;
  }

  /** Reads a value with `parse`; a QuantityError or UsageError becomes a UsageError naming the token. */
  read<T>(key: string, parse: (text: string) => T): T | undefined {
    const value = this.values.get(key);
    if (!value) return undefined;
    try {
      return parse(value.text);
    } catch (error) {
      if (error instanceof QuantityError || error instanceof UsageError) {
        throw new UsageError(`${value.token}: ${error.message}`, {
          understood: [...this.words, ...this.understood.filter((t) => t !== value.token)],
          notUnderstood: [value.token],
        });
      }
      throw error;
    }
  }

  text(key: string): string | undefined {
    return this.read(key, (t) => t);
  }

  integer(key: string): number | undefined {
    return this.read(key, (t) => parsePositiveInteger(t, key));
  }

  /** a positive count with k/m/b/t suffixes: `tokens=1.5T` */
  count(key: string): number | undefined {
    return this.read(key, (t) => positive(key, parseQuantity(t)));
  }

  /** a plain positive number, with a dollar sign or "/h" allowed: `price=3`, `price=$3/h` */
  number(key: string): number | undefined {
    return this.read(key, (t) => positive(key, parseQuantity(t.replace(/^\$/, '').replace(/\/(h|hr|hour)$/i, ''))));
  }

  measure(key: string, dimension: Dimension, bareUnit: string): number | undefined {
    return this.read(key, (t) => parseMeasure(t, dimension, bareUnit));
  }

  fraction(key: string): number | undefined {
    return this.read(key, parseFraction);
  }

  /** per second */
  rate(key: string, bareTimeUnit: string): number | undefined {
    return this.read(key, (t) => parseRate(t, bareTimeUnit));
  }

  /** A UsageError about the request as a whole (a missing or contradictory value). */
  fail(message: string): never {
    throw new UsageError(message, { understood: [...this.words, ...this.understood] });
  }
}
