// The deployment as CloudFormation will see it: `osls package` (offline, no AWS account) on
// serverless.yml, then the template checked for its functions, events, schedules, queues, table
// and least-privilege roles.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SCHEDULED_JOB_NAMES } from '../src/schedule/jobNames.ts';

interface Statement {
  Effect: string;
  Action: string | string[];
  Resource: unknown;
  Condition?: Record<string, Record<string, string>>;
}
type Resource = { Type: string; Properties: Record<string, any> };

const root = join(__dirname, '..');
let template: { Resources: Record<string, Resource> };
let out: string;

beforeAll(() => {
  out = mkdtempSync(join(tmpdir(), 'burnrate-package-'));
  execFileSync(process.execPath, [join(root, 'bin', 'build-lambda.js')], { cwd: root, stdio: 'pipe' });
  const { AWS_ACCESS_KEY_ID: _, AWS_SECRET_ACCESS_KEY: __, ...env } = process.env;
  execFileSync(process.execPath, [join(root, 'node_modules', 'osls', 'bin', 'serverless.js'), 'package', '--package', out], {
    cwd: root,
    stdio: 'pipe',
    env: { ...env, SLS_TELEMETRY_DISABLED: '1' },
  });
  template = JSON.parse(readFileSync(join(out, 'cloudformation-template-update-stack.json'), 'utf8'));
}, 120_000);
afterAll(() => rmSync(out, { recursive: true, force: true }));

const ofType = (type: string) => Object.entries(template.Resources).filter(([, r]) => r.Type === type);
const statements = (role: string): Statement[] =>
  (template.Resources[role]!.Properties.Policies as { PolicyDocument: { Statement: Statement[] } }[]).flatMap(
    (p) => p.PolicyDocument.Statement,
  );
const actions = (s: Statement) => (Array.isArray(s.Action) ? s.Action : [s.Action]);
/** what changes a cloud resource (state-table writes and logs are the bot's own bookkeeping) */
const destructive = (action: string) => /^(sagemaker|ec2|application-autoscaling):(?!Describe|List|Get|Search)/.test(action);

describe('the packaged deployment', () => {
  it('has the three functions, each from its own bundle, with its own role', () => {
    const functions = Object.fromEntries(ofType('AWS::Lambda::Function').map(([name, r]) => [name, r.Properties]));
    expect(Object.keys(functions).sort()).toEqual(['SchedulerLambdaFunction', 'SlackLambdaFunction', 'WorkerLambdaFunction']);
    expect(functions.SlackLambdaFunction!.Handler).toBe('dist/lambda/slack/index.handler');
    expect(functions.WorkerLambdaFunction!.Handler).toBe('dist/lambda/worker/index.handler');
    expect(functions.SchedulerLambdaFunction!.Handler).toBe('dist/lambda/scheduler/index.handler');
    expect(
      Object.values(functions)
        .map((f) => f.Role['Fn::GetAtt'][0])
        .sort(),
    ).toEqual(['SchedulerFunctionRole', 'SlackFunctionRole', 'WorkerFunctionRole']);
    for (const f of Object.values(functions)) expect(f.Runtime).toBe('nodejs22.x');
    expect(functions.WorkerLambdaFunction!.Timeout).toBe(900);
    // the worker also carries the chart renderer's WebAssembly and its font (about 1.3 MB zipped) and
    // the Google clients, whose generated code runs to tens of MB (about 4.7 MB zipped)
    const limits = { slack: 2, worker: 8, scheduler: 2 };
    for (const [name, mb] of Object.entries(limits)) expect(statSync(join(out, `${name}.zip`)).size).toBeLessThan(mb * 1024 * 1024);
  });

  it('routes POST /slack/events to the slack function, and SQS to the worker with partial batch failures', () => {
    const [[, route]] = ofType('AWS::ApiGatewayV2::Route') as [[string, Resource]];
    expect(route.Properties.RouteKey).toBe('POST /slack/events');
    const [[, mapping]] = ofType('AWS::Lambda::EventSourceMapping') as [[string, Resource]];
    expect(mapping.Properties).toMatchObject({
      EventSourceArn: { 'Fn::GetAtt': ['WorkQueue', 'Arn'] },
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
    expect(mapping.Properties.FunctionName['Fn::GetAtt'][0]).toBe('WorkerLambdaFunction');
  });

  it('gives the queue a dead-letter queue with an alarm on its depth, and a visibility timeout of six worker timeouts', () => {
    const queue = template.Resources.WorkQueue!.Properties;
    expect(queue.RedrivePolicy).toEqual({ deadLetterTargetArn: { 'Fn::GetAtt': ['DeadLetterQueue', 'Arn'] }, maxReceiveCount: 3 });
    expect(queue.VisibilityTimeout).toBeGreaterThanOrEqual(6 * 900);
    const [[, alarm]] = ofType('AWS::CloudWatch::Alarm') as [[string, Resource]];
    expect(alarm.Properties).toMatchObject({
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': ['DeadLetterQueue', 'QueueName'] } }],
    });
  });

  it('schedules every job of the registry with a time zone, through the scheduler function', () => {
    const schedules = ofType('AWS::Scheduler::Schedule').map(([, r]) => r.Properties);
    expect(schedules.map((s) => JSON.parse(s.Target.Input).job).sort()).toEqual([...SCHEDULED_JOB_NAMES].sort());
    for (const s of schedules) {
      expect(s.ScheduleExpressionTimezone).toBe('UTC');
      expect(s.ScheduleExpression).toMatch(/^cron\(/);
      expect(s.Target.Arn).toEqual({ 'Fn::GetAtt': ['SchedulerLambdaFunction', 'Arn'] });
    }
  });

  it('declares the state table as the DynamoDB store expects it: pk/sk, TTL on ttl, point-in-time recovery', () => {
    const table = template.Resources.StateTable!.Properties;
    expect(table.KeySchema).toEqual([
      { AttributeName: 'pk', KeyType: 'HASH' },
      { AttributeName: 'sk', KeyType: 'RANGE' },
    ]);
    expect(table.TimeToLiveSpecification).toEqual({ AttributeName: 'ttl', Enabled: true });
    expect(table.PointInTimeRecoverySpecification).toEqual({ PointInTimeRecoveryEnabled: true });
  });

  it('lists every IAM action (no wildcards) and allows destructive ones only to the worker, never on what carries the keep tag', () => {
    const roles = ofType('AWS::IAM::Role').map(([name]) => name);
    for (const role of roles) {
      for (const s of statements(role)) for (const action of actions(s)) expect(action, `${role}: ${action}`).not.toContain('*');
    }
    const destructiveByRole = Object.fromEntries(roles.map((role) => [role, statements(role).flatMap(actions).filter(destructive)]));
    for (const role of roles.filter((r) => r !== 'WorkerFunctionRole')) expect(destructiveByRole[role], role).toEqual([]);
    expect(destructiveByRole.WorkerFunctionRole!.sort()).toEqual([
      'application-autoscaling:DeregisterScalableTarget',
      'application-autoscaling:PutScalingPolicy',
      'application-autoscaling:RegisterScalableTarget',
      'ec2:StartInstances',
      'ec2:StopInstances',
      'sagemaker:AddTags',
      'sagemaker:CreateApp',
      'sagemaker:CreateEndpoint',
      'sagemaker:CreateEndpointConfig',
      'sagemaker:DeleteApp',
      'sagemaker:DeleteEndpoint',
      'sagemaker:StartNotebookInstance',
      'sagemaker:StopNotebookInstance',
      'sagemaker:UpdateEndpoint',
      'sagemaker:UpdateEndpointWeightsAndCapacities',
    ]);
    for (const s of statements('WorkerFunctionRole').filter((x) => actions(x).some((a) => /^(ec2|sagemaker):/.test(a) && destructive(a)))) {
      expect(s.Condition).toEqual({ StringNotEquals: { 'aws:ResourceTag/burnrate:keep': 'true' } });
    }
    // the scheduler function may only queue work
    expect(statements('SchedulerFunctionRole').flatMap(actions).sort()).toEqual([
      'logs:CreateLogStream',
      'logs:PutLogEvents',
      'sqs:SendMessage',
    ]);
    // the worker queues the daily scan's parts on its own queue, and nowhere else
    const sends = statements('WorkerFunctionRole').filter((s) => actions(s).includes('sqs:SendMessage'));
    expect(sends.map((s) => s.Resource)).toEqual([{ 'Fn::GetAtt': ['WorkQueue', 'Arn'] }]);
  });
});
