// Loopback SQS (AWS JSON 1.0, AmazonSQS.SendMessage; AWS_ENDPOINT_URL_SQS) and SSM Parameter Store
// (JSON 1.1, AmazonSSM.GetParameters; AWS_ENDPOINT_URL_SSM) for the Lambda functions' tests.
import { createHash, randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SentMessage {
  queueUrl: string;
  body: string;
  messageId: string;
}

export interface FakeSqsSsm {
  url: string;
  sent: SentMessage[];
  /** how many GetParameters calls were answered */
  parameterReads: number;
  close(): Promise<void>;
}

export async function startFakeSqsSsm(parameters: Record<string, string>): Promise<FakeSqsSsm> {
  const fake: FakeSqsSsm = { url: '', sent: [], parameterReads: 0, close: async () => {} };
  const server: Server = createServer((req, res) => {
    let raw = '';
    req.on('data', (chunk) => (raw += chunk));
    req.on('end', () => {
      const target = String(req.headers['x-amz-target'] ?? '');
      const body = JSON.parse(raw || '{}') as Record<string, unknown>;
      if (target === 'AmazonSQS.SendMessage') {
        const messageId = randomUUID();
        fake.sent.push({ queueUrl: String(body.QueueUrl), body: String(body.MessageBody), messageId });
        res
          .writeHead(200, { 'content-type': 'application/x-amz-json-1.0' })
          .end(
            JSON.stringify({ MessageId: messageId, MD5OfMessageBody: createHash('md5').update(String(body.MessageBody)).digest('hex') }),
          );
        return;
      }
      if (target === 'AmazonSSM.GetParameters') {
        fake.parameterReads++;
        const names = body.Names as string[];
        res.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' }).end(
          JSON.stringify({
            Parameters: names
              .filter((n) => n in parameters)
              .map((n) => ({ Name: n, Type: 'SecureString', Value: parameters[n], Version: 1 })),
            InvalidParameters: names.filter((n) => !(n in parameters)),
          }),
        );
        return;
      }
      res
        .writeHead(400, { 'content-type': 'application/x-amz-json-1.1' })
        .end(JSON.stringify({ __type: 'UnknownOperationException', message: target }));
    });
  });
  await new Promise<void>((ready) => server.listen(0, '127.0.0.1', () => ready()));
  fake.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  fake.close = () =>
    new Promise<void>((done) => {
      server.closeAllConnections();
      server.close(() => done());
    });
  return fake;
}
