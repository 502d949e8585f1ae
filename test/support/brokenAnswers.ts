// How a real AWS endpoint fails, on the wire, for the loopback fakes: a 5xx with an HTML body (a
// load balancer or proxy in front of the service), throttling on every try, an operation the
// region does not offer, access denied, and a request that is never answered.
import type { ServerResponse } from 'node:http';

export type BrokenAnswer = 'html-500' | 'throttled' | 'unknown-operation' | 'denied' | 'hang';
export const BROKEN_ANSWERS: BrokenAnswer[] = ['html-500', 'throttled', 'unknown-operation', 'denied', 'hang'];

type Protocol = 'json-1.0' | 'json-1.1' | 'query';

/** The error code each failure carries on the wire (none for an HTML page or silence). */
const CODES: Record<Exclude<BrokenAnswer, 'html-500' | 'hang'>, { json: string; query: string; status: number; message: string }> = {
  throttled: { json: 'ThrottlingException', query: 'RequestLimitExceeded', status: 400, message: 'Rate exceeded' },
  'unknown-operation': {
    json: 'UnknownOperationException',
    query: 'InvalidAction',
    status: 400,
    message: 'The operation is not supported in this region.',
  },
  denied: {
    json: 'AccessDeniedException',
    query: 'UnauthorizedOperation',
    status: 400,
    message: 'User: arn:aws:sts::123456789012:assumed-role/burnrate is not authorized to perform this operation',
  },
};

/** Answers (or, for 'hang', never answers) a request the way a failing AWS endpoint does. */
export function answerBroken(res: ServerResponse, broken: BrokenAnswer, protocol: Protocol): void {
  if (broken === 'hang') return;
  if (broken === 'html-500') {
    res
      .writeHead(500, { 'content-type': 'text/html' })
      .end(
        '<html>\r\n<head><title>500 Internal Server Error</title></head>\r\n<body>\r\n<center><h1>500 Internal Server Error</h1></center>\r\n</body>\r\n</html>\r\n',
      );
    return;
  }
  const code = CODES[broken];
  if (protocol === 'query') {
    res
      .writeHead(code.status, { 'content-type': 'text/xml;charset=UTF-8' })
      .end(
        `<?xml version="1.0" encoding="UTF-8"?>\n<Response><Errors><Error><Code>${code.query}</Code><Message>${code.message}</Message></Error></Errors><RequestID>5f1e9c2a-0000-4000-8000-000000000000</RequestID></Response>`,
      );
    return;
  }
  res
    .writeHead(code.status, { 'content-type': `application/x-amz-${protocol}` })
    .end(JSON.stringify({ __type: code.json, message: code.message }));
}

/** The code a note should name for each failure, as the SDK reads it (EC2 answers in its own words). */
export function expectedCode(broken: BrokenAnswer, protocol: Protocol): string {
  if (broken === 'hang') return 'timed out';
  if (broken === 'html-500') return 'HTTP 500';
  const code = CODES[broken];
  return `${protocol === 'query' ? code.query : code.json} (HTTP ${code.status})`;
}
