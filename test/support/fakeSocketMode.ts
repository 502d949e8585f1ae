// A loopback stand-in for Slack's Socket Mode endpoint: the URL that apps.connections.open hands
// out. It greets each connection with `hello`, sends envelopes, and records the app's acks.
import type { AddressInfo } from 'node:net';
import { type WebSocket, WebSocketServer } from 'ws';

export interface SocketAck {
  envelope_id: string;
  payload?: Record<string, unknown>;
}

export interface FakeSocketMode {
  url: string;
  /** sends an envelope to the connected app and resolves with its acknowledgement */
  send(type: 'slash_commands' | 'interactive' | 'events_api', payload: Record<string, unknown>, timeoutMs?: number): Promise<SocketAck>;
  close(): Promise<void>;
}

export async function startFakeSocketMode(): Promise<FakeSocketMode> {
  const server = new WebSocketServer({ port: 0, host: '127.0.0.1' });
  await new Promise<void>((ready) => server.once('listening', () => ready()));
  let connection: WebSocket | undefined;
  const acks = new Map<string, (ack: SocketAck) => void>();
  server.on('connection', (socket) => {
    connection = socket;
    socket.on('message', (data) => {
      const ack = JSON.parse(String(data)) as SocketAck;
      acks.get(ack.envelope_id)?.(ack);
    });
    socket.send(
      JSON.stringify({
        type: 'hello',
        num_connections: 1,
        debug_info: { host: 'fake', approximate_connection_time: 3600 },
        connection_info: { app_id: 'A1' },
      }),
    );
  });
  let sequence = 0;
  return {
    url: `ws://127.0.0.1:${(server.address() as AddressInfo).port}/link/?ticket=fake`,
    send(type, payload, timeoutMs = 5000) {
      if (!connection) return Promise.reject(new Error('no app is connected'));
      const envelopeId = `env-${++sequence}`;
      const acked = new Promise<SocketAck>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no ack for ${envelopeId} within ${timeoutMs} ms`)), timeoutMs);
        acks.set(envelopeId, (ack) => {
          clearTimeout(timer);
          resolve(ack);
        });
      });
      connection.send(
        JSON.stringify({
          envelope_id: envelopeId,
          type,
          payload,
          accepts_response_payload: type !== 'events_api',
          retry_attempt: 0,
          retry_reason: '',
        }),
      );
      return acked;
    },
    close: () =>
      new Promise<void>((done) => {
        for (const client of server.clients) client.terminate();
        server.close(() => done());
      }),
  };
}
