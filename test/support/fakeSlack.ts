// A loopback stand-in for Slack's Web API (reached through SLACK_API_URL) and for response_url.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parse } from 'node:querystring';

export interface RecordedCall { path: string; body: Record<string, unknown>; headers: Record<string, string | string[] | undefined> }

export interface FakeSlack {
  url: string;
  apiUrl: string;
  calls: RecordedCall[];
  /** answers every later call to `method` with this JSON instead of a bare {ok: true} */
  answer(method: string, json: Record<string, unknown>): void;
  /** answers chat.postMessage with invalid_blocks while its blocks hold this block type */
  rejectBlockType(type: string | undefined): void;
  /** answers the next N calls to `method` with 429 and this Retry-After */
  rateLimitNext(method: string, times: number, retryAfterSeconds: number): void;
  waitFor(predicate: (call: RecordedCall) => boolean, timeoutMs?: number): Promise<RecordedCall>;
  close(): Promise<void>;
}

export async function startFakeSlack(): Promise<FakeSlack> {
  const calls: RecordedCall[] = [];
  const limits = new Map<string, { times: number; retryAfter: number }>();
  const answers = new Map<string, Record<string, unknown>>();
  let rejectedBlockType: string | undefined;
  const server: Server = createServer((req, res) => {
    let raw = '';
    req.on('data', (chunk) => (raw += chunk));
    req.on('end', () => {
      const type = req.headers['content-type'] ?? '';
      const body = type.includes('json') ? (raw ? JSON.parse(raw) : {}) : (parse(raw) as Record<string, unknown>);
      const path = req.url ?? '/';
      const method = path.replace(/^\/api\//, '');
      const limit = limits.get(method);
      if (limit && limit.times > 0) {
        limit.times--;
        res.writeHead(429, { 'retry-after': String(limit.retryAfter), 'content-type': 'application/json' }).end('{"ok":false,"error":"ratelimited"}');
        return;
      }
      calls.push({ path, body, headers: req.headers });
      res.writeHead(200, { 'content-type': 'application/json' });
      if (method === 'chat.postMessage' && rejectedBlockType && String(body.blocks ?? '').includes(`"type":"${rejectedBlockType}"`)) {
        res.end(JSON.stringify({ ok: false, error: 'invalid_blocks', errors: [`unsupported type: ${rejectedBlockType} [json-pointer:/blocks/2/type]`] }));
        return;
      }
      if (answers.has(method)) res.end(JSON.stringify(answers.get(method)));
      else if (method === 'auth.test') res.end(JSON.stringify({ ok: true, user_id: 'UBOT', bot_id: 'BBOT', team_id: 'T1' }));
      else if (method === 'chat.postMessage') res.end(JSON.stringify({ ok: true, channel: body.channel, ts: '1.0001' }));
      else res.end(JSON.stringify({ ok: true }));
    });
  });
  await new Promise<void>((ready) => server.listen(0, '127.0.0.1', () => ready()));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    apiUrl: `${url}/api/`,
    calls,
    answer: (method, json) => answers.set(method, json),
    rejectBlockType: (type) => { rejectedBlockType = type; },
    rateLimitNext: (method, times, retryAfter) => limits.set(method, { times, retryAfter }),
    async waitFor(predicate, timeoutMs = 5000) {
      const until = Date.now() + timeoutMs;
      while (Date.now() < until) {
        const found = calls.find(predicate);
        if (found) return found;
        await new Promise((r) => setTimeout(r, 20));
      }
      throw new Error(`no matching call within ${timeoutMs} ms; calls: ${calls.map((c) => c.path).join(', ')}`);
    },
    close: () => new Promise<void>((done) => { server.closeAllConnections(); server.close(() => done()); }),
  };
}
