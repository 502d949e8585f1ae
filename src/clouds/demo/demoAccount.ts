// The embedded demo account: realistic daily costs for any dates, the same every run, behind the
// CostSource interface the real providers implement. The last full week before "today" carries a
// visible anomaly: a p4d.24xlarge training job left running all Wednesday.
import { addDays } from '../../calc/period.ts';
import {
  type CostData,
  type CostQuery,
  type CostSource,
  type DailyCost,
  type GpuInstanceCost,
  toMicro,
  type UsageTypeCost,
} from '../costSource.ts';

/** service → typical daily USD and how it splits across teams */
const SERVICES: { service: string; usageType: string; daily: number; teams: Record<string, number> }[] = [
  {
    service: 'Amazon Elastic Compute Cloud - Compute',
    usageType: 'USE1-BoxUsage:m5.2xlarge',
    daily: 1450,
    teams: { research: 0.6, recsys: 0.25, platform: 0.15 },
  },
  { service: 'Amazon SageMaker', usageType: 'USE1-Host:ml.g5.2xlarge', daily: 620, teams: { recsys: 0.7, research: 0.2, '': 0.1 } },
  { service: 'Amazon Bedrock', usageType: 'USE1-InputTokenCount', daily: 180, teams: { support: 0.8, '': 0.2 } },
  {
    service: 'Amazon Simple Storage Service',
    usageType: 'USE1-TimedStorage-ByteHrs',
    daily: 210,
    teams: { platform: 0.5, research: 0.4, '': 0.1 },
  },
  { service: 'Amazon FSx', usageType: 'USE1-Lustre-Storage', daily: 140, teams: { research: 1 } },
  { service: 'AmazonCloudWatch', usageType: 'USE1-CW:MetricMonitorUsage', daily: 45, teams: { platform: 1 } },
  { service: 'AWS Lambda', usageType: 'USE1-Lambda-GB-Second', daily: 12, teams: { platform: 1 } },
];
const CPU_SHARE_OF_EC2 = 180;

/** instance type → $/h and typical hours a day (from the bundled price catalog's rates) */
const GPU_FLEET: { instanceType: string; hourly: number; hours: number }[] = [
  { instanceType: 'p4d.24xlarge', hourly: 32.77, hours: 22 },
  { instanceType: 'g5.12xlarge', hourly: 5.67, hours: 48 },
  { instanceType: 'g5.xlarge', hourly: 1.01, hours: 96 },
  { instanceType: 'g6.xlarge', hourly: 0.8, hours: 72 },
];

/** a stable pseudo-random number in [0, 1) for a string */
function noise(key: string): number {
  let h = 2166136261;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 16777619);
  return ((h >>> 0) % 100_000) / 100_000;
}

function datesBetween(start: string, end: string): string[] {
  const dates: string[] = [];
  for (let d = start; d < end; d = addDays(d, 1)) dates.push(d);
  return dates;
}

const weekday = (date: string) => new Date(`${date}T00:00:00Z`).getUTCDay();

/** Wednesday of the last full week before `today` */
function anomalyDate(today: string): string {
  const mondayThisWeek = addDays(today, -((weekday(today) + 6) % 7));
  return addDays(mondayThisWeek, -5);
}

function gpuDay(date: string, today: string): GpuInstanceCost[] {
  const weekend = weekday(date) === 0 || weekday(date) === 6;
  return GPU_FLEET.map(({ instanceType, hourly, hours }) => {
    let h = hours * (weekend ? 0.7 : 1) * (0.9 + 0.2 * noise(`${date}/${instanceType}`));
    if (instanceType === 'p4d.24xlarge' && date === anomalyDate(today)) h += 4 * 24; // four extra nodes all day
    return { date, instanceType, hours: Math.round(h * 10) / 10, cost: toMicro((Math.round(h * 10) / 10) * hourly) };
  });
}

export const demoAccount: CostSource = {
  name: 'demo account',
  async costs(query: CostQuery): Promise<CostData> {
    const monthStart = `${query.today.slice(0, 8)}01`;
    const first = monthStart < query.start ? monthStart : query.start;
    const dates = datesBetween(first, query.today > query.end ? query.today : query.end);
    const usage: DailyCost[] = [];
    const gpu: GpuInstanceCost[] = [];
    const usageTypes: UsageTypeCost[] = [];
    for (const date of dates) {
      const gpuCosts = gpuDay(date, query.today);
      if (date >= query.start && date < query.end) gpu.push(...gpuCosts);
      const weekend = weekday(date) === 0 || weekday(date) === 6;
      for (const { service, usageType, daily, teams } of SERVICES) {
        const isEc2 = service.startsWith('Amazon Elastic Compute Cloud');
        // EC2 is the GPU fleet plus a steady CPU share; the others vary a little day to day
        const usd = isEc2
          ? gpuCosts.reduce((sum, g) => sum + g.cost, 0) / 1e6 + CPU_SHARE_OF_EC2
          : daily * (weekend ? 0.85 : 1) * (0.92 + 0.16 * noise(`${date}/${service}`));
        for (const [team, share] of Object.entries(teams)) usage.push({ date, service, group: team, cost: toMicro(usd * share) });
        if (isEc2) {
          usageTypes.push(...gpuCosts.map((g) => ({ date, service, usageType: `USE1-BoxUsage:${g.instanceType}`, cost: g.cost })), {
            date,
            service,
            usageType,
            cost: toMicro(CPU_SHARE_OF_EC2),
          });
        } else usageTypes.push({ date, service, usageType, cost: toMicro(usd) });
      }
    }
    const inRange = (d: { date: string }) => d.date >= query.start && d.date < query.end;
    const monthToDate = usage.filter((u) => u.date >= monthStart && u.date < query.today).reduce((sum, u) => sum + u.cost, 0);
    const lastWeek = usage.filter((u) => u.date >= addDays(query.today, -7) && u.date < query.today).reduce((sum, u) => sum + u.cost, 0);
    const nextMonth = new Date(`${monthStart}T00:00:00Z`);
    nextMonth.setUTCMonth(nextMonth.getUTCMonth() + 1);
    const daysLeft = Math.round((nextMonth.getTime() - Date.parse(`${query.today}T00:00:00Z`)) / 86_400_000);
    return {
      account: 'demo account',
      demo: true,
      usage: usage.filter(inRange),
      usageTypes: usageTypes.filter(inRange),
      adjustments: datesBetween(query.start, query.end)
        .filter((d) => weekday(d) === 1)
        .map((date) => ({ date, kind: 'credit' as const, cost: toMicro(-250) })),
      gpu,
      forecast: { monthToDate, monthEnd: monthToDate + Math.round((lastWeek / 7) * daysLeft) },
      requests: 0,
    };
  },
};
