// The weekly digest in the shape every renderer takes (PlanResult): the headline first, then the
// figures, the tables (services, movers, teams, GPU spend, the daily chart) and the notes.
import type { PlanResult, PlanTable } from '../../commands/planResult.ts';
import { acceleratorSignal } from '../../src/clouds/acceleratorSignals.ts';
import { fromMicro, type MicroUsd } from '../../src/clouds/costSource.ts';
import { grouped, money, percent, placeOf } from '../../src/present/format.ts';
import type { Line, Move, WeeklyDigest } from './weeklyDigest.ts';

const usd = (micro: MicroUsd) => money(fromMicro(micro));
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const WEEKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];
const BAR_WIDTH = 24;

function dayLabel(date: string): string {
  return `${MONTHS[Number(date.slice(5, 7)) - 1]} ${Number(date.slice(8, 10))}`;
}

function weekLabel(days: string[]): string {
  const [first, last] = [days[0]!, days.at(-1)!];
  return first.slice(5, 7) === last.slice(5, 7)
    ? `${dayLabel(first)}–${Number(last.slice(8, 10))}`
    : `${dayLabel(first)} – ${dayLabel(last)}`;
}

function change(cost: MicroUsd, previous: MicroUsd): string {
  const delta = cost - previous;
  const sign = delta >= 0 ? '+' : '−';
  const share = previous > 0 ? ` (${sign}${percent(Math.abs(delta) / previous, 1)})` : '';
  return `${sign}${usd(Math.abs(delta))}${share}`;
}

function lineRows(lines: Line[], rest: Line | null): string[][] {
  return [...lines, ...(rest ? [rest] : [])].map((l) => [l.name, usd(l.cost), change(l.cost, l.previous)]);
}

/** What moved, with the usage type behind each service's move where the source names one. */
function movesTable(moves: Move[], isoWeek: string): PlanTable {
  const rows = lineRows(moves, null);
  if (!moves.some((m) => m.usageType)) return { title: 'What moved', header: ['Service', isoWeek, 'Change'], rows };
  return {
    title: 'What moved',
    header: ['Service', isoWeek, 'Change', 'Mostly'],
    rows: rows.map((row, i) => {
      const type = moves[i]!.usageType;
      return [...row, type ? `${type.name} ${change(type.cost, type.previous)}` : ''];
    }),
  };
}

export function digestAsPlan(d: WeeklyDigest): PlanResult {
  const { week } = d.period;
  const title = `${d.demo ? '[demo data] ' : ''}Cloud cost ${week.isoWeek} (${weekLabel(week.days)})`;
  const summary = `${title}: ${usd(d.total)}, ${change(d.total, d.previousTotal)} vs the week before`;
  const notes = d.anomalies.map(
    (a) =>
      `Anomaly: ${dayLabel(a.date)} cost ${usd(a.cost)}, above its 4-week baseline of ${usd(a.baselineMean)} ± ${usd(a.baselineSd)} by more than 3σ; most of it ${a.topService}`,
  );
  const rows: [string, string][] = [
    [week.isoWeek, usd(d.total)],
    [d.period.previous.isoWeek, usd(d.previousTotal)],
    ['Change', change(d.total, d.previousTotal)],
  ];
  const adjustments = [
    ['Credits', d.credits],
    ['Refunds', d.refunds],
    ['Tax', d.tax],
  ] as const;
  for (const [label, amount] of adjustments) if (amount !== 0) rows.push([label, `${usd(amount)} (not in the totals above)`]);
  if ('omitted' in d.forecast) rows.push(['Month end', d.forecast.omitted]);
  else rows.push(['Month to date', usd(d.forecast.monthToDate)], ['Month-end forecast', usd(d.forecast.monthEnd)]);
  if (d.savings?.variants) {
    const n = d.savings.variants;
    rows.push([
      'Savings available',
      `${money(d.savings.monthlySaving)} a month by rightsizing ${n} ${n > 1 ? 'resources' : 'resource'} (/finops rightsize)`,
    ]);
  }

  const peak = Math.max(...d.days.map((day) => Math.max(day.cost, day.previous)), 1);
  const bar = (cost: MicroUsd) => '█'.repeat(Math.round((cost / peak) * BAR_WIDTH)).padEnd(BAR_WIDTH, ' ');
  const tables: PlanTable[] = [
    { title: 'Top services', header: ['Service', week.isoWeek, 'Change'], rows: lineRows(d.services, d.otherServices) },
    movesTable([...d.increases, ...d.decreases], week.isoWeek),
    { title: `By ${d.groupBy}`, header: [d.groupBy, week.isoWeek, 'Change'], rows: lineRows(d.groups, d.otherGroups) },
  ];
  if (d.gpu.length) {
    tables.push({
      title: 'GPU instances',
      header: ['Instance type', week.isoWeek, 'Hours', 'Change'],
      rows: d.gpu.map((g) => [g.name, usd(g.cost), g.hours.toFixed(0), change(g.cost, g.previous)]),
    });
  }
  if (d.utilization?.length) {
    const measured = d.utilization.filter((u) => u.averagePercent !== null);
    const hours = measured.reduce((sum, u) => sum + u.hours, 0);
    if (hours > 0) {
      const used = measured.reduce((sum, u) => sum + u.hours * u.averagePercent!, 0) / hours / 100;
      const idle = measured.reduce((sum, u) => sum + (u.idleCost ?? 0), 0);
      rows.push(
        ['GPU time used', `${percent(used)} of ${Math.round(hours)} instance-hours with GPU metrics`],
        ['Idle GPU spend', `${usd(idle)} (see /finops scan for idle resources)`],
      );
    }
    tables.push({
      title: 'GPU instances: busiest GPU per hour',
      header: ['Instance', 'Type', 'Hours', 'Average', 'Peak', 'Cost', 'Idle share'],
      rows: d.utilization.map((u) => [
        `${u.name ?? u.instanceId}${placeOf(u)}`,
        u.instanceType,
        u.hours.toFixed(0),
        u.averagePercent === null ? 'no metrics' : percent(u.averagePercent / 100),
        u.maximumPercent === null ? '—' : percent(u.maximumPercent / 100),
        u.cost === null ? '—' : usd(u.cost),
        u.idleCost === null ? '—' : usd(u.idleCost),
      ]),
    });
    // what to install, once per kind of machine that reported nothing
    notes.push(...new Set(d.utilization.filter((u) => u.averagePercent === null).map((u) => acceleratorSignal(u).whenMissing)));
  }
  if (d.endpoints?.length) {
    tables.push({
      title: 'SageMaker endpoints, least used first',
      header: ['Endpoint / variant', 'Instances', 'Invocations', 'GPU', 'Week cost', 'Per 1K calls'],
      rows: d.endpoints.map((e) => [
        `${e.endpointName} / ${e.variantName}${placeOf(e)}`,
        `${e.instanceCount} × ${e.instanceType}`,
        grouped(e.invocations),
        e.gpuAveragePercent === null ? '—' : percent(e.gpuAveragePercent / 100),
        e.cost === null ? '—' : usd(e.cost),
        e.perThousandInvocations === null ? (e.invocations === 0 ? 'no calls' : '—') : usd(e.perThousandInvocations),
      ]),
    });
    const idle = d.endpoints.filter((e) => e.invocations === 0);
    if (idle.length)
      notes.push(
        `${idle.length} endpoint variant${idle.length > 1 ? 's' : ''} had no invocations all week (${idle.map((e) => e.endpointName).join(', ')}): candidates for /finops scan`,
      );
  }
  tables.push({
    title: 'Daily spend',
    header: ['Day', week.isoWeek, '', 'Week before'],
    rows: d.days.map((day, i) => [
      `${WEEKDAYS[i]} ${dayLabel(day.date)}${day.provisional ? '*' : ''}`,
      usd(day.cost),
      bar(day.cost),
      usd(day.previous),
    ]),
  });

  if (d.days.some((day) => day.provisional)) notes.push('* provisional: billing data for the last 48 hours is still settling');
  if (d.demo) notes.push('Demo data: no AWS credentials are configured, so the digest shows the bundled demo account');
  notes.push(...d.notes);
  if (d.requests) notes.push(`${d.requests} Cost Explorer requests ($0.01 each)`);
  const chart = {
    title: `Daily spend, ${week.isoWeek} vs ${d.period.previous.isoWeek}`,
    categories: d.days.map((day, i) => `${WEEKDAYS[i]} ${dayLabel(day.date)}`),
    series: [
      { name: week.isoWeek, values: d.days.map((day) => Math.round(fromMicro(day.cost))) },
      { name: d.period.previous.isoWeek, values: d.days.map((day) => Math.round(fromMicro(day.previous))) },
    ],
    yLabel: 'USD per day',
  };
  return {
    command: 'digest',
    input: week.isoWeek,
    summary,
    chart,
    figures: {
      total: { value: fromMicro(d.total), unit: 'USD' },
      previousTotal: { value: fromMicro(d.previousTotal), unit: 'USD' },
      credits: { value: fromMicro(d.credits), unit: 'USD' },
      anomalies: { value: d.anomalies.length, unit: 'count' },
      costExplorerRequests: { value: d.requests, unit: 'count' },
      ...('omitted' in d.forecast
        ? {}
        : {
            monthToDate: { value: fromMicro(d.forecast.monthToDate), unit: 'USD' },
            monthEndForecast: { value: fromMicro(d.forecast.monthEnd), unit: 'USD' },
          }),
    },
    rows,
    tables,
    assumptions: notes,
    notesTitle: 'Notes',
    method: [`Usage cost by day, ${d.account}; credits, refunds and tax apart; weeks run Monday–Sunday in ${d.period.timeZone}`],
  };
}
