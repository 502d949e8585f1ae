// A loopback BigQuery REST API (jobs.query, then getQueryResults for further pages), reached
// through BIGQUERY_EMULATOR_HOST, answering the billing-export query with rows the test chooses.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface BillingRow {
  day: string;
  service: string;
  grp: string;
  cost_type: string;
  cost: number;
  credits: number;
}

export interface FakeBigQuery {
  /** for BIGQUERY_EMULATOR_HOST */
  url: string;
  queries: {
    sql: string;
    parameters: { name: string; parameterType: { type: string }; parameterValue: { value: string } }[];
    authorization: string;
  }[];
  pageRequests: string[];
  /** answer the next query with this HTTP error */
  failNext?: { status: number; reason: string; message: string };
  close(): Promise<void>;
}

const FIELDS = [
  ['day', 'STRING'],
  ['service', 'STRING'],
  ['grp', 'STRING'],
  ['cost_type', 'STRING'],
  ['cost', 'FLOAT'],
  ['credits', 'FLOAT'],
] as const;

export async function startFakeBigQuery(rows: BillingRow[], rowsPerPage = 1000): Promise<FakeBigQuery> {
  const encoded = rows.map((r) => ({ f: FIELDS.map(([name]) => ({ v: String(r[name]) })) }));
  const schema = { fields: FIELDS.map(([name, type]) => ({ name, type, mode: 'NULLABLE' })) };
  const fake: FakeBigQuery = { url: '', queries: [], pageRequests: [], close: async () => {} };
  const page = (offset: number) => ({
    schema,
    totalRows: String(encoded.length),
    jobComplete: true,
    rows: encoded.slice(offset, offset + rowsPerPage),
    ...(offset + rowsPerPage < encoded.length ? { pageToken: String(offset + rowsPerPage) } : {}),
  });
  const server: Server = createServer((req, res) => {
    let raw = '';
    req.on('data', (chunk) => (raw += chunk));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://x');
      const reply = (status: number, json: unknown) =>
        res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(json));
      const project = /^\/bigquery\/v2\/projects\/([^/]+)\/queries(?:\/([^/]+))?$/.exec(url.pathname);
      if (!project) return reply(404, { error: { code: 404, message: `Not found: ${url.pathname}`, status: 'NOT_FOUND' } });
      if (req.method === 'POST' && !project[2]) {
        const body = JSON.parse(raw);
        fake.queries.push({
          sql: body.query,
          parameters: body.queryParameters ?? [],
          authorization: String(req.headers.authorization ?? ''),
        });
        if (fake.failNext) {
          const { status, reason, message } = fake.failNext;
          delete fake.failNext;
          return reply(status, { error: { code: status, message, errors: [{ reason, message }], status: reason } });
        }
        return reply(200, {
          kind: 'bigquery#queryResponse',
          jobReference: { projectId: project[1], jobId: 'job-billing-1', location: 'US' },
          ...page(0),
        });
      }
      if (req.method === 'GET' && project[2]) {
        fake.pageRequests.push(url.search);
        return reply(200, {
          kind: 'bigquery#getQueryResultsResponse',
          jobReference: { projectId: project[1], jobId: project[2], location: 'US' },
          ...page(Number(url.searchParams.get('pageToken') ?? 0)),
        });
      }
      return reply(405, { error: { code: 405, message: 'method not allowed' } });
    });
  });
  await new Promise<void>((ready) => server.listen(0, '127.0.0.1', () => ready()));
  fake.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/bigquery/v2`;
  fake.close = () =>
    new Promise<void>((done) => {
      server.closeAllConnections();
      server.close(() => done());
    });
  return fake;
}
