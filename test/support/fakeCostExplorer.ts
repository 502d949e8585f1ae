// A loopback Cost Explorer (JSON 1.1, X-Amz-Target AWSInsightsIndexService.*), reached through
// AWS_ENDPOINT_URL_COST_EXPLORER, answering from a CostData the test chooses (the demo account's,
// so a digest through the wire can be compared with one built directly).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { CostData } from '../../src/digest/costData.ts';

export interface FakeCostExplorerOptions {
  data: CostData;
  /** days per ResultsByTime page; AWS pages large results, most accounts fit one page */
  daysPerPage?: number;
  /** answer the next N requests with LimitExceededException */
  throttle?: number;
  /** answer every GetCostAndUsage with this error type */
  failWith?: string;
  forecastError?: string;
}

export interface FakeCostExplorer {
  url: string;
  requests: { target: string; body: Record<string, unknown>; authorization: string }[];
  options: FakeCostExplorerOptions;
  close(): Promise<void>;
}

const money = (micro: number) => ({ Amount: (micro / 1e6).toFixed(6), Unit: 'USD' });

type Filter = { Dimensions?: { Key: string; Values: string[] }; And?: Filter[] };
const dimensionFilter = (filter: Filter | undefined, key: string): string[] | undefined =>
  filter?.Dimensions?.Key === key ? filter.Dimensions.Values : filter?.And?.map((f) => dimensionFilter(f, key)).find(Boolean);

export async function startFakeCostExplorer(options: FakeCostExplorerOptions): Promise<FakeCostExplorer> {
  const requests: FakeCostExplorer['requests'] = [];
  const server: Server = createServer((req, res) => {
    let raw = '';
    req.on('data', (chunk) => (raw += chunk));
    req.on('end', () => {
      const target = String(req.headers['x-amz-target'] ?? '');
      const body = JSON.parse(raw || '{}');
      requests.push({ target, body, authorization: String(req.headers.authorization ?? '') });
      const reply = (status: number, json: unknown) => res.writeHead(status, { 'content-type': 'application/x-amz-json-1.1' }).end(JSON.stringify(json));
      if ((options.throttle ?? 0) > 0) {
        options.throttle!--;
        reply(400, { __type: 'com.amazonaws.ce#LimitExceededException', message: 'Rate exceeded' });
        return;
      }
      const { data } = options;
      if (target === 'AWSInsightsIndexService.GetCostForecast') {
        if (options.forecastError) return reply(400, { __type: options.forecastError, message: 'Insufficient amount of historical data to generate forecast.' });
        const rest = 'omitted' in data.forecast ? 0 : data.forecast.monthEnd - data.forecast.monthToDate;
        return reply(200, { Total: money(rest), ForecastResultsByTime: [{ TimePeriod: body.TimePeriod, MeanValue: money(rest).Amount }] });
      }
      if (target !== 'AWSInsightsIndexService.GetCostAndUsage') return reply(400, { __type: 'UnknownOperationException' });
      if (options.failWith) return reply(400, { __type: options.failWith, message: `User: arn:aws:sts::123456789012:assumed-role/burnrate is not authorized to perform: ce:GetCostAndUsage` });

      const { Start, End } = body.TimePeriod as { Start: string; End: string };
      const groupBy = (body.GroupBy as { Type: string; Key: string }[]).map((g) => g.Key);
      const metric = (body.Metrics as string[])[0]!;
      const days: string[] = [];
      for (let d = Start; d < End; d = new Date(Date.parse(`${d}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10)) days.push(d);
      const groupsOf = (day: string) => {
        if (groupBy[0] === 'SERVICE') {
          return data.usage.filter((u) => u.date === day).map((u) => ({ Keys: [u.service, `${groupBy[1]}$${u.group}`], Metrics: { [metric]: money(u.cost) } }));
        }
        if (groupBy[0] === 'RECORD_TYPE' && groupBy[1] === 'USAGE_TYPE') {
          const usage = (data.usageTypes ?? []).filter((u) => u.date === day).map((u) => ({ Keys: ['Usage', u.usageType], Metrics: { [metric]: money(u.cost) } }));
          const adjustments = data.adjustments.filter((a) => a.date === day)
            .map((a) => ({ Keys: [{ credit: 'Credit', refund: 'Refund', tax: 'Tax' }[a.kind], 'USE1-Credit'], Metrics: { [metric]: money(a.cost) } }));
          return [...usage, ...adjustments];
        }
        if (groupBy[0] === 'INSTANCE_TYPE' && dimensionFilter(body.Filter, 'SERVICE')?.includes('Amazon Elastic Compute Cloud - Compute')) {
          const gpus = data.gpu.filter((g) => g.date === day)
            .map((g) => ({ Keys: [g.instanceType], Metrics: { [metric]: money(g.cost), UsageQuantity: { Amount: String(g.hours), Unit: 'Hrs' } } }));
          // a CPU instance the digest must leave out
          return [...gpus, { Keys: ['m5.xlarge'], Metrics: { [metric]: money(4_608_000), UsageQuantity: { Amount: '24', Unit: 'Hrs' } } }];
        }
        return [];
      };
      const perPage = options.daysPerPage ?? days.length;
      const offset = Number(body.NextPageToken ?? 0);
      const page = days.slice(offset, offset + perPage);
      reply(200, {
        GroupDefinitions: (body.GroupBy as unknown[]),
        ResultsByTime: page.map((day) => ({
          TimePeriod: { Start: day, End: new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10) },
          Total: {}, Groups: groupsOf(day), Estimated: false,
        })),
        DimensionValueAttributes: [],
        ...(offset + perPage < days.length ? { NextPageToken: String(offset + perPage) } : {}),
      });
    });
  });
  await new Promise<void>((ready) => server.listen(0, '127.0.0.1', () => ready()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requests, options,
    close: () => new Promise<void>((done) => { server.closeAllConnections(); server.close(() => done()); }),
  };
}
