// One cold start, as Lambda does it: a fresh Node process imports the slack function's bundle and
// serves one signed /gpu-memory request as an HTTP API v2 event. Prints the times as JSON.
import { createHmac } from 'node:crypto';
import { stringify } from 'node:querystring';
import { pathToFileURL } from 'node:url';

const started = performance.now();
const { handler } = await import(pathToFileURL(process.argv[2]).href);
const imported = performance.now();
const body = stringify({
  command: '/gpu-memory',
  text: '70b fp16',
  user_id: 'U1',
  channel_id: 'C1',
  team_id: 'T1',
  response_url: 'http://127.0.0.1:9/respond',
  trigger_id: '1.2.3',
});
const timestamp = Math.floor(Date.now() / 1000);
const signature = `v0=${createHmac('sha256', process.env.BENCH_SIGNING_SECRET).update(`v0:${timestamp}:${body}`).digest('hex')}`;
const response = await handler(
  {
    version: '2.0',
    routeKey: 'POST /slack/events',
    rawPath: '/slack/events',
    rawQueryString: '',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'x-slack-request-timestamp': String(timestamp),
      'x-slack-signature': signature,
    },
    requestContext: { http: { method: 'POST', path: '/slack/events' }, requestId: 'bench', timeEpoch: Date.now() },
    body: Buffer.from(body).toString('base64'),
    isBase64Encoded: true,
  },
  {},
);
const answered = performance.now();
process.stdout.write(
  `${JSON.stringify({ importMs: imported - started, firstRequestMs: answered - imported, totalMs: answered - started, status: response.statusCode })}\n`,
);
