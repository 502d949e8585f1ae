// /availability: the downtime an availability target allows, or the availability a downtime gives:
// availability = (1 − downtime ÷ total time) × 100.

import { parseFraction } from '../src/calc/measure.ts';
import { HOURS_PER_MONTH } from '../src/calc/pricing.ts';
import { QuantityError } from '../src/calc/quantity.ts';
import { duration } from '../src/present/format.ts';
import type { Command, CommandContext } from './command.ts';
import { PlanArgs, type PlanGrammar } from './planGrammar.ts';
import type { Figure, PlanResult } from './planResult.ts';

const GRAMMAR: PlanGrammar = { words: true, keys: { downtime: 'downtime', per: 'per', period: 'per' } };

const PERIODS: [string, number][] = [
  ['day', 24],
  ['week', 7 * 24],
  ['month', HOURS_PER_MONTH],
  ['year', 365 * 24],
];

/** 99.9% stays 99.9%, 99.99% stays 99.99%: up to four decimals, no trailing zeros */
function percentText(fraction: number): string {
  return `${Number((fraction * 100).toFixed(4))}%`;
}

export async function computeAvailability(text: string, _context: CommandContext): Promise<PlanResult> {
  const args: PlanArgs = PlanArgs.parse(text, GRAMMAR);
  const method = ['availability = (1 − downtime ÷ total time) × 100, so allowed downtime = (1 − availability) × period'];
  const figures: Record<string, Figure> = {};
  let availability: number;
  if (args.has('downtime')) {
    if (args.words.length) args.fail(`give an availability target or downtime=, not both`);
    const downtime = args.measure('downtime', 'time', 'minute')!;
    const periodName = (args.text('per') ?? 'month').toLowerCase().replace(/s$/, '');
    const period = PERIODS.find(([name]) => name === periodName);
    if (!period) args.fail(`per=${args.text('per')} is not one of: ${PERIODS.map(([n]) => n).join(', ')}`);
    const total = period[1] * 3600;
    if (downtime > total) args.fail(`${args.token('downtime')} is longer than a ${period[0]} (${duration(total)})`);
    availability = 1 - downtime / total;
    method.push(`availability = (1 − ${duration(downtime)} ÷ ${duration(total)}) × 100 = ${percentText(availability)}`);
  } else {
    if (args.words.length !== 1) args.fail('give an availability target, e.g. `99.9%`, or a downtime, e.g. `downtime=43m per=month`');
    const word = args.words[0]!;
    try {
      availability = parseFraction(word.endsWith('%') ? word : `${word}%`);
    } catch (error) {
      if (error instanceof QuantityError) args.fail(`${word}: ${error.message}`);
      throw error;
    }
    if (availability === 1) args.fail('100% allows no downtime at all; give a target below 100%, e.g. 99.99%');
  }
  figures.availability = { value: availability * 100, unit: '%' };
  const rows = PERIODS.map(([name, hours]): [string, string] => {
    const allowed = (1 - availability) * hours * 3600;
    figures[`downtimePer${name[0]!.toUpperCase()}${name.slice(1)}`] = { value: allowed, unit: 's' };
    return [`Per ${name}`, duration(allowed)];
  });
  const nines = -Math.log10(1 - availability);
  return {
    command: 'availability',
    input: text,
    summary: `${percentText(availability)} allows ${duration(figures.downtimePerMonth!.value)} of downtime a month (${duration(figures.downtimePerYear!.value)} a year)`,
    figures,
    rows: [['Availability', `${percentText(availability)} (${nines.toFixed(1)} nines)`], ...rows],
    tables: [],
    assumptions: [`a month is ${HOURS_PER_MONTH} h, a year 365 days`],
    method,
  };
}

export const availabilityCommand: Command<PlanResult> = {
  name: 'availability',
  view: 'plan',
  description: 'Downtime an availability target allows per day, week, month, year; or availability from downtime',
  usage: '<target%> | downtime=<time> [per=day|week|month|year]',
  usageHint: '99.9% | downtime=43m per=month',
  examples: ['99.9%', '99.99%', 'downtime=43m per=month'],
  run: computeAvailability,
};
