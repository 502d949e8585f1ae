// Long-lived HTTP runtime: POST /slack/events (commands, interactivity, events) and GET /healthz.
// Every Slack request is size-capped and signature-checked before Bolt sees it.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HTTPReceiver } from '@slack/bolt';
import getRawBody from 'raw-body';
import { createSlackApp, log, type SlackAppOptions } from '../slack/app.ts';
import { MAX_BODY_BYTES, verifySlackRequest } from '../slack/requestSignature.ts';

export type HttpServerOptions = Omit<SlackAppOptions, 'receiver' | 'socketMode'> & {
  port: number;
  host?: string;
  signingSecret: string;
  /** other pages this server serves (the local playground); true when it answered the request */
  routes?: (req: IncomingMessage, res: ServerResponse) => Promise<boolean>;
};

/** The port cannot be listened on: another process holds it, or it needs privileges. */
export class PortUnavailable extends Error {
  override name = 'PortUnavailable';
  constructor(port: number, code: string) {
    super(
      code === 'EADDRINUSE'
        ? `port ${port} is in use (EADDRINUSE): stop what holds it, or set PORT to a free port`
        : `port ${port} needs privileges this process lacks (EACCES): set PORT to 1024 or above`,
    );
  }
}

export interface RunningServer {
  server: Server;
  url: string;
  close(): Promise<void>;
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? undefined : value;
}

export async function startHttpServer(options: HttpServerOptions): Promise<RunningServer> {
  const receiver = new HTTPReceiver({ signingSecret: options.signingSecret, endpoints: ['/slack/events'], bodyLimit: MAX_BODY_BYTES });
  createSlackApp({ ...options, receiver });

  const server = createServer(async (req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method === 'GET' && path === '/healthz') {
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
      return;
    }
    if (req.method !== 'POST' || path !== '/slack/events') {
      if (!(await options.routes?.(req, res))) res.writeHead(404).end();
      return;
    }
    let body: Buffer;
    try {
      body = await getRawBody(req, { limit: MAX_BODY_BYTES });
    } catch (error) {
      const status = (error as { status?: number }).status === 413 ? 413 : 400;
      log('warn', { http: 'rejected', status, reason: (error as Error).message });
      res.writeHead(status).end();
      return;
    }
    const check = verifySlackRequest(options.signingSecret, (name) => header(req, name), body);
    if (!check.ok) {
      log('warn', { http: 'rejected', status: 401, reason: check.reason, bytes: body.length });
      res.writeHead(401).end();
      return;
    }
    (req as IncomingMessage & { rawBody: Buffer }).rawBody = body;
    receiver.requestListener(req, res);
  });
  await new Promise<void>((ready, fail) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      fail(error.code === 'EADDRINUSE' || error.code === 'EACCES' ? new PortUnavailable(options.port, error.code) : error),
    );
    server.listen(options.port, options.host ?? '0.0.0.0', () => ready());
  });
  const { port } = server.address() as AddressInfo;
  return {
    server,
    url: `http://127.0.0.1:${port}`,
    // finish requests in flight, then drop idle keep-alive connections so the process can exit
    close: () =>
      new Promise<void>((done) => {
        server.close(() => done());
        server.closeIdleConnections();
        setTimeout(() => server.closeAllConnections(), 2000).unref();
      }),
  };
}
