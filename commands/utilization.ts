// /utilization: (used ÷ capacity) × 100 for GPUs, cores, memory or storage, and what the unused
// share costs when the capacity has a price.
import { type Dimension, parseMeasure } from '../src/calc/measure.ts';
import { parseQuantity, QuantityError } from '../src/calc/quantity.ts';
import { bandwidth, duration, bytes as formatBytes, money, percent } from '../src/present/format.ts';
import type { Command, CommandContext } from './command.ts';
import { PlanArgs, type PlanGrammar } from './planGrammar.ts';
import type { Figure, PlanResult } from './planResult.ts';

const GRAMMAR: PlanGrammar = { keys: { used: 'used', total: 'total', capacity: 'total', cost: 'cost' } };

interface Amount {
  value: number;
  dimension: Dimension | 'count';
}

/** A count (`6`, `6 gpus`) or a measure with a unit (`60GB`, `2 TiB`, `3 h`, `10 GB/s`). */
function amount(text: string): Amount {
  const plain = text.replace(/\s*(gpus?|cores?|vcpus?|instances?|nodes?)$/i, '');
  if (/^[\d.\s+\-*/^()kmbt]+$/i.test(plain)) return { value: parseQuantity(plain), dimension: 'count' };
  for (const dimension of ['bytes', 'time', 'bandwidth'] as const) {
    try {
      return { value: parseMeasure(text, dimension, ''), dimension };
    } catch {
      // try the next kind of quantity
    }
  }
  throw new QuantityError(`"${text}" is not a count or an amount with a unit (try 6, 60GB, 1.5 TiB, 3h, 10 GB/s)`);
}

const show = (a: Amount) =>
  a.dimension === 'bytes'
    ? formatBytes(a.value)
    : a.dimension === 'time'
      ? duration(a.value)
      : a.dimension === 'bandwidth'
        ? bandwidth(a.value)
        : String(a.value);

export async function computeUtilization(text: string, _context: CommandContext): Promise<PlanResult> {
  const args: PlanArgs = PlanArgs.parse(text, GRAMMAR);
  const used = args.read('used', amount);
  const total = args.read('total', amount);
  if (!used || !total) args.fail('give used= and total=, e.g. `used=60GB total=80GB` or `used=6 total=8`');
  if (used.dimension !== total.dimension)
    args.fail(`${args.token('used')} and ${args.token('total')} measure different things (${used.dimension} vs ${total.dimension})`);
  if (total.value <= 0) args.fail(`${args.token('total')} must be more than zero`);
  if (used.value > total.value) args.fail(`${args.token('used')} is more than ${args.token('total')}; check which is which`);
  const share = used.value / total.value;
  const figures: Record<string, Figure> = { utilization: { value: share * 100, unit: '%' } };
  const rows: [string, string][] = [
    ['Used', show(used)],
    ['Capacity', show(total)],
    ['Utilization', percent(share, 1)],
    ['Unused', percent(1 - share, 1)],
  ];
  const method = [`utilization = (used ÷ capacity) × 100 = (${show(used)} ÷ ${show(total)}) × 100 = ${percent(share, 1)}`];
  const cost = args.number('cost');
  let summary = `${percent(share, 1)} utilized (${show(used)} of ${show(total)})`;
  if (cost !== undefined) {
    figures.unusedCost = { value: cost * (1 - share), unit: 'USD' };
    rows.push(['Paying for unused', money(cost * (1 - share))]);
    method.push(`unused cost = cost × (1 − utilization) = ${money(cost)} × ${percent(1 - share, 1)}`);
    summary += ` · ${money(cost * (1 - share))} of ${money(cost)} pays for unused capacity`;
  }
  return { command: 'utilization', input: text, summary, figures, rows, tables: [], assumptions: [], method };
}

export const utilizationCommand: Command<PlanResult> = {
  name: 'utilization',
  view: 'plan',
  description: 'Utilization of GPUs, cores, memory or storage, (used ÷ capacity) × 100, and what unused costs',
  usage: 'used=<amount> total=<amount> [cost=<$ for the capacity>]',
  usageHint: 'used=60GB total=80GB [cost=2000]',
  examples: ['used=60GB total=80GB', 'used=6 total=8 cost=70000', 'used=1.2TiB total=4TiB'],
  run: computeUtilization,
};
