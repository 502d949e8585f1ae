// A loopback stand-in for Slack's Web API (reached through SLACK_API_URL) and for response_url,
// with the external file upload (files.getUploadURLExternal, the upload URL, files.completeUploadExternal).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parse } from 'node:querystring';

export interface RecordedCall {
  path: string;
  body: Record<string, unknown>;
  headers: Record<string, string | string[] | undefined>;
}
/** a file as the upload URL received it */
export interface UploadedFile {
  fileId: string;
  filename: string;
  bytes: Buffer;
}

export interface FakeSlack {
  url: string;
  apiUrl: string;
  calls: RecordedCall[];
  uploads: UploadedFile[];
  /** answers every later call to `method` with this JSON instead of its usual answer; undefined restores that */
  answer(method: string, json: Record<string, unknown> | undefined): void;
  /** answers chat.postMessage with invalid_blocks while its blocks hold this block type */
  rejectBlockType(type: string | undefined): void;
  /** answers the next N calls to `method` with 429 and this Retry-After */
  rateLimitNext(method: string, times: number, retryAfterSeconds: number): void;
  waitFor(predicate: (call: RecordedCall) => boolean, timeoutMs?: number): Promise<RecordedCall>;
  close(): Promise<void>;
}

/** The bytes Slack's upload URL keeps: the raw body, or the file part of a multipart/form-data body. */
function uploadedBytes(body: Buffer, contentType: string): Buffer {
  const boundary = /boundary=(?:"([^"]+)"|([^;]+))/.exec(contentType);
  if (!contentType.startsWith('multipart/form-data') || !boundary) return body;
  const delimiter = Buffer.from(`--${boundary[1] ?? boundary[2]}`);
  for (let start = body.indexOf(delimiter); start >= 0; ) {
    const next = body.indexOf(delimiter, start + delimiter.length);
    if (next < 0) break;
    const part = body.subarray(start + delimiter.length + 2, next - 2);
    const headerEnd = part.indexOf('\r\n\r\n');
    if (/filename=/.test(part.subarray(0, headerEnd).toString('utf8'))) return part.subarray(headerEnd + 4);
    start = next;
  }
  throw new Error('multipart upload without a file part');
}

export async function startFakeSlack(): Promise<FakeSlack> {
  const calls: RecordedCall[] = [];
  const uploads: UploadedFile[] = [];
  const pending = new Map<string, string>();
  const limits = new Map<string, { times: number; retryAfter: number }>();
  const answers = new Map<string, Record<string, unknown>>();
  let rejectedBlockType: string | undefined;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const path = req.url ?? '/';
      const upload = /^\/upload\/(F\w+)$/.exec(path);
      if (upload) {
        const fileId = upload[1]!;
        const bytes = uploadedBytes(Buffer.concat(chunks), String(req.headers['content-type'] ?? ''));
        uploads.push({ fileId, filename: pending.get(fileId) ?? '', bytes });
        res.writeHead(200, { 'content-type': 'text/plain' }).end(`OK - ${bytes.length}`);
        return;
      }
      const raw = Buffer.concat(chunks).toString('utf8');
      const type = req.headers['content-type'] ?? '';
      const body = type.includes('json') ? (raw ? JSON.parse(raw) : {}) : (parse(raw) as Record<string, unknown>);
      const method = path.replace(/^\/api\//, '');
      const limit = limits.get(method);
      if (limit && limit.times > 0) {
        limit.times--;
        res
          .writeHead(429, { 'retry-after': String(limit.retryAfter), 'content-type': 'application/json' })
          .end('{"ok":false,"error":"ratelimited"}');
        return;
      }
      calls.push({ path, body, headers: req.headers });
      res.writeHead(200, { 'content-type': 'application/json' });
      if (method === 'chat.postMessage' && rejectedBlockType && String(body.blocks ?? '').includes(`"type":"${rejectedBlockType}"`)) {
        res.end(
          JSON.stringify({
            ok: false,
            error: 'invalid_blocks',
            errors: [`unsupported type: ${rejectedBlockType} [json-pointer:/blocks/2/type]`],
          }),
        );
        return;
      }
      if (answers.has(method)) res.end(JSON.stringify(answers.get(method)));
      else if (method === 'auth.test') res.end(JSON.stringify({ ok: true, user_id: 'UBOT', bot_id: 'BBOT', team_id: 'T1' }));
      else if (method === 'chat.postMessage') res.end(JSON.stringify({ ok: true, channel: body.channel, ts: '1.0001' }));
      else if (method === 'files.getUploadURLExternal') {
        const fileId = `F${String(pending.size + 1).padStart(8, '0')}`;
        pending.set(fileId, String(body.filename));
        res.end(JSON.stringify({ ok: true, upload_url: `${url}/upload/${fileId}`, file_id: fileId }));
      } else if (method === 'files.completeUploadExternal') {
        const files = JSON.parse(String(body.files)) as { id: string; title?: string }[];
        const unknown = files.find((f) => !uploads.some((u) => u.fileId === f.id));
        res.end(
          JSON.stringify(
            unknown ? { ok: false, error: 'file_not_found' } : { ok: true, files: files.map((f) => ({ id: f.id, title: f.title })) },
          ),
        );
      } else res.end(JSON.stringify({ ok: true }));
    });
  });
  await new Promise<void>((ready) => server.listen(0, '127.0.0.1', () => ready()));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    apiUrl: `${url}/api/`,
    calls,
    uploads,
    answer: (method, json) => (json ? answers.set(method, json) : answers.delete(method)),
    rejectBlockType: (type) => {
      rejectedBlockType = type;
    },
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
    close: () =>
      new Promise<void>((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}
