// A loopback Cost Explorer (JSON 1.1, X-Amz-Target AWSInsightsIndexService.*), reached through
// AWS_ENDPOINT_URL_COST_EXPLORER, answering from a CostData the test chooses (the demo account's,
// so a digest through the wire can be compared with one built directly).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { CostData } from '../../src/clouds/costSource.ts';
import { answerBroken, type BrokenAnswer } from './brokenAnswers.ts';

export interface FakeCostExplorerOptions {
  data: CostData;
  /** days per ResultsByTime page; AWS pages large results, most accounts fit one page */
  daysPerPage?: number;
  /** answer the next N requests with LimitExceededException */
  throttle?: number;
  /** answer every GetCostAndUsage with this error type */
  failWith?: string;
  forecastError?: string;
  /** answer every call of these operations (GetCostAndUsage, GetCostForecast) as a failing endpoint would */
  broken?: Partial<Record<string, BrokenAnswer>>;
}

export interface FakeCostExplorer {
  url: string;
  requests: { target: string; body: Record<string, unknown>; authorization: string }[];
  options: FakeCostExplorerOptions;
  close(): Promise<void>;
}

const money = (micro: number) => ({ Amount: (micro / 1e6).toFixed(6), Unit: 'USD' });

type Filter = { Dimensions?: { Key: string; Values: string[] }; And?: Filter[]; Or?: Filter[]; Not?: Filter };
/** Cost Explorer's filter expression on one row's dimension values (a dimension the row lacks matches nothing). */
function matches(filter: Filter | undefined, row: Record<string, string>): boolean {
  if (!filter) return true;
  if (filter.And) return filter.And.every((f) => matches(f, row));
  if (filter.Or) return filter.Or.some((f) => matches(f, row));
  if (filter.Not) return !matches(filter.Not, row);
  const { Key, Values } = filter.Dimensions!;
  return row[Key] !== undefined && Values.includes(row[Key]);
}
const RECORD_TYPES = { credit: 'Credit', refund: 'Refund', tax: 'Tax' } as const;
const EC2_COMPUTE = 'Amazon Elastic Compute Cloud - Compute';

export async function startFakeCostExplorer(options: FakeCostExplorerOptions): Promise<FakeCostExplorer> {
  const requests: FakeCostExplorer['requests'] = [];
  const server: Server = createServer((req, res) => {
    let raw = '';
    req.on('data', (chunk) => (raw += chunk));
    req.on('end', () => {
      const target = String(req.headers['x-amz-target'] ?? '');
      const body = JSON.parse(raw || '{}');
      requests.push({ target, body, authorization: String(req.headers.authorization ?? '') });
      const reply = (status: number, json: unknown) =>
        res.writeHead(status, { 'content-type': 'application/x-amz-json-1.1' }).end(JSON.stringify(json));
      if ((options.throttle ?? 0) > 0) {
        options.throttle!--;
        reply(400, { __type: 'com.amazonaws.ce#LimitExceededException', message: 'Rate exceeded' });
        return;
      }
      const broken = options.broken?.[target.split('.')[1]!];
      if (broken) return answerBroken(res, broken, 'json-1.1');
      const { data } = options;
      if (target === 'AWSInsightsIndexService.GetCostForecast') {
        if (options.forecastError)
          return reply(400, { __type: options.forecastError, message: 'Insufficient amount of historical data to generate forecast.' });
        const rest = 'omitted' in data.forecast ? 0 : data.forecast.monthEnd - data.forecast.monthToDate;
        return reply(200, { Total: money(rest), ForecastResultsByTime: [{ TimePeriod: body.TimePeriod, MeanValue: money(rest).Amount }] });
      }
      if (target !== 'AWSInsightsIndexService.GetCostAndUsage') return reply(400, { __type: 'UnknownOperationException' });
      if (options.failWith)
        return reply(400, {
          __type: options.failWith,
          message: `User: arn:aws:sts::123456789012:assumed-role/burnrate is not authorized to perform: ce:GetCostAndUsage`,
        });

      const { Start, End } = body.TimePeriod as { Start: string; End: string };
      const groupBy = (body.GroupBy as { Type: string; Key: string }[]).map((g) => `${g.Type}:${g.Key}`);
      const metric = (body.Metrics as string[])[0]!;
      const filter = body.Filter as Filter | undefined;
      const days: string[] = [];
      for (let d = Start; d < End; d = new Date(Date.parse(`${d}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10)) days.push(d);
      // rows at the grain of each grouping the data holds, each with its dimension values for the filter
      type Row = { dims: Record<string, string>; keys: string[]; cost: number; quantity?: number };
      const rowsOf = (day: string): Row[] | undefined => {
        const [first, second] = groupBy;
        if (first === 'DIMENSION:SERVICE' && second?.startsWith('TAG:')) {
          return data.usage
            .filter((u) => u.date === day)
            .map((u) => ({
              dims: { SERVICE: u.service, RECORD_TYPE: 'Usage' },
              keys: [u.service, `${second.slice(4)}$${u.group}`],
              cost: u.cost,
            }));
        }
        if (first === 'DIMENSION:SERVICE' && second === 'DIMENSION:USAGE_TYPE') {
          return (data.usageTypes ?? [])
            .filter((u) => u.date === day)
            .map((u) => ({
              dims: { SERVICE: u.service, USAGE_TYPE: u.usageType, RECORD_TYPE: 'Usage' },
              keys: [u.service, u.usageType],
              cost: u.cost,
            }));
        }
        if (first === 'DIMENSION:RECORD_TYPE' && second === 'DIMENSION:INSTANCE_TYPE') {
          const instances = [
            ...data.gpu.filter((g) => g.date === day).map((g) => ({ instanceType: g.instanceType, cost: g.cost, hours: g.hours })),
            // a CPU instance the digest must leave out
            { instanceType: 'm5.xlarge', cost: 4_608_000, hours: 24 },
          ].map((i) => ({
            dims: { SERVICE: EC2_COMPUTE, RECORD_TYPE: 'Usage', INSTANCE_TYPE: i.instanceType },
            keys: ['Usage', i.instanceType],
            cost: i.cost,
            quantity: i.hours,
          }));
          // a SageMaker instance of a GPU-looking type is not EC2's: the filter keeps it out
          const sageMaker = {
            dims: { SERVICE: 'Amazon SageMaker', RECORD_TYPE: 'Usage', INSTANCE_TYPE: 'g5.xlarge' },
            keys: ['Usage', 'g5.xlarge'],
            cost: 1_000_000,
            quantity: 1,
          };
          const adjustments = data.adjustments
            .filter((a) => a.date === day)
            .map((a) => ({
              dims: { SERVICE: EC2_COMPUTE, RECORD_TYPE: RECORD_TYPES[a.kind] },
              keys: [RECORD_TYPES[a.kind], 'NoInstanceType'],
              cost: a.cost,
            }));
          return [...instances, sageMaker, ...adjustments];
        }
        return undefined;
      };
      if (!rowsOf(Start))
        return reply(400, { __type: 'ValidationException', message: `the fake serves no grouping ${groupBy.join(' × ')}` });
      const groupsOf = (day: string) =>
        rowsOf(day)!
          .filter((r) => matches(filter, r.dims))
          .map((r) => ({
            Keys: r.keys,
            Metrics: {
              [metric]: money(r.cost),
              ...(r.quantity === undefined ? {} : { UsageQuantity: { Amount: String(r.quantity), Unit: 'Hrs' } }),
            },
          }));
      const perPage = options.daysPerPage ?? days.length;
      const offset = Number(body.NextPageToken ?? 0);
      const page = days.slice(offset, offset + perPage);
      reply(200, {
        GroupDefinitions: body.GroupBy as unknown[],
        ResultsByTime: page.map((day) => ({
          TimePeriod: { Start: day, End: new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10) },
          Total: {},
          Groups: groupsOf(day),
          Estimated: false,
        })),
        DimensionValueAttributes: [],
        ...(offset + perPage < days.length ? { NextPageToken: String(offset + perPage) } : {}),
      });
    });
  });
  await new Promise<void>((ready) => server.listen(0, '127.0.0.1', () => ready()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    options,
    close: () =>
      new Promise<void>((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}
