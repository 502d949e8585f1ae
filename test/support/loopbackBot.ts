// The long-lived bot's HTTP receiver as the tests start it: on a free loopback port, signed with
// the tests' secret, the calculators offline; the rest (Slack's URL, jobs, state, clouds) from the test.
import { type HttpServerOptions, type RunningServer, startHttpServer } from '../../src/runtime/httpServer.ts';
import { offlineContext } from './context.ts';
import { SIGNING_SECRET } from './slackRequests.ts';

export function startLoopbackBot(
  options: Omit<HttpServerOptions, 'port' | 'host' | 'signingSecret' | 'token' | 'context'>,
): Promise<RunningServer> {
  return startHttpServer({
    port: 0,
    host: '127.0.0.1',
    signingSecret: SIGNING_SECRET,
    token: 'xoxb-test',
    context: offlineContext(),
    ...options,
  });
}
