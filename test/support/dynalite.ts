// DynamoDB for the tests: dynalite, in memory, on a loopback port.
import type { AddressInfo } from 'node:net';
import dynalite from 'dynalite';

export async function startDynalite(): Promise<{ url: string; close(): Promise<void> }> {
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((ready) => server.listen(0, '127.0.0.1', () => ready()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}
