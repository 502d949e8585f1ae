// npm run bench:coldstart: builds the Lambda bundles, prints their sizes (target: slack ≤ 1.5 MB
// minified), and the median over fresh Node processes of the time to import the slack function and
// serve its first signed request (target ≤ 300 ms), with its secrets read from a loopback SSM.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { stop as stopEsbuild } from 'esbuild';
import { buildLambdas, describeSize } from '../bin/build-lambda.js';
import { startFakeSqsSsm } from '../test/support/fakeSqsSsm.ts';

const ROUNDS = 11;
const SECRET = '0123456789abcdef0123456789abcdef';
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const sizes = await buildLambdas();
// its service process would otherwise share the CPU with the processes measured
await stopEsbuild();
console.log('Lambda bundles (minified; target: slack ≤ 1.5 MB)');
for (const [name, size] of Object.entries(sizes)) console.log(`  ${name.padEnd(9)} ${describeSize(size)}`);

const ssm = await startFakeSqsSsm({ '/burnrate/bench/slack-bot-token': 'xoxb-bench', '/burnrate/bench/slack-signing-secret': SECRET });
const env = {
  PATH: process.env.PATH,
  AWS_ACCESS_KEY_ID: 'AKIDBURNRATEBENCH',
  AWS_SECRET_ACCESS_KEY: 'secret',
  AWS_REGION: 'us-east-1',
  AWS_ENDPOINT_URL_SSM: ssm.url,
  AWS_ENDPOINT_URL_DYNAMODB: 'http://127.0.0.1:9',
  BURNRATE_STATE_TABLE: 'burnrate-bench',
  BURNRATE_SSM_PREFIX: '/burnrate/bench',
  BURNRATE_QUEUE_URL: 'http://127.0.0.1:9/123456789012/burnrate-work',
  SLACK_BOT_ID: 'BBENCH0001',
  SLACK_BOT_USER_ID: 'UBENCH0001',
  BENCH_SIGNING_SECRET: SECRET,
  NODE_NO_WARNINGS: '1',
};
const runs: { importMs: number; firstRequestMs: number; totalMs: number; status: number }[] = [];
for (let i = 0; i < ROUNDS; i++) {
  // asynchronously: the loopback SSM answers from this process
  const { stdout } = await promisify(execFile)(
    process.execPath,
    [
      fileURLToPath(new URL('./coldstartChild.mjs', import.meta.url)),
      fileURLToPath(new URL('../dist/lambda/slack/index.mjs', import.meta.url)),
    ],
    { env, encoding: 'utf8' },
  );
  runs.push(JSON.parse(stdout.trim().split('\n').at(-1)!));
}
await ssm.close();
if (runs.some((r) => r.status !== 200)) throw new Error(`a cold start answered ${runs.map((r) => r.status).join(', ')}`);
console.log(`slack function cold start, median of ${ROUNDS} fresh processes (target ≤ 300 ms):`);
console.log(
  `  import ${median(runs.map((r) => r.importMs)).toFixed(0)} ms + first signed request ${median(runs.map((r) => r.firstRequestMs)).toFixed(0)} ms = ${median(runs.map((r) => r.totalMs)).toFixed(0)} ms`,
);
