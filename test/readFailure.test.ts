// How a failed cloud call is said in one line, for the error shapes the SDKs throw: AWS SDK v3
// service errors, Google's gRPC and REST errors, Node's network errors, and anything else.
import { describe, expect, it } from 'vitest';
import { CostSourceError } from '../src/clouds/costSource.ts';
import { failureCode, failureDetail, failureReason, readFailed } from '../src/clouds/readFailure.ts';
import { IDLE_PARTS, readUtilization, regionalUtilization, type UtilizationSource } from '../src/clouds/utilization.ts';

const withFields = (message: string, fields: Record<string, unknown>) => Object.assign(new Error(message), fields);

describe('failureCode', () => {
  it('names an AWS service error by its code and HTTP status', () => {
    const throttled = withFields('Rate exceeded', { name: 'ThrottlingException', $metadata: { httpStatusCode: 400 } });
    expect(failureCode(throttled)).toBe('ThrottlingException (HTTP 400)');
  });

  it('says HTTP 500 for an answer with no code (an HTML error page), never its body', () => {
    const html = withFields(
      'Deserialization error: to see the raw response, inspect the hidden field {error}.$response on this object.\n<html>…',
      {
        name: 'SyntaxError',
        $metadata: { httpStatusCode: 500 },
      },
    );
    expect(failureCode(html)).toBe('HTTP 500');
  });

  it("reads Google's gRPC codes by name, and REST statuses", () => {
    expect(failureCode(withFields('14 UNAVAILABLE: connection reset', { code: 14 }))).toBe('UNAVAILABLE');
    expect(failureCode(withFields('{"error":{"code":503}}', { name: 'GaxiosError', code: 503 }))).toBe('HTTP 503');
  });

  it('says timed out for a request that was never answered, and names network errors', () => {
    expect(failureCode(withFields('socket hang up', { name: 'TimeoutError' }))).toBe('timed out');
    expect(failureCode(withFields('connect ECONNREFUSED 127.0.0.1:9', { code: 'ECONNREFUSED' }))).toBe('ECONNREFUSED');
  });

  it('falls back to the first line of the message, cut', () => {
    expect(failureCode(new Error(`first line ${'x'.repeat(200)}\nsecond line`))).toMatch(/^first line x+…$/);
    expect(failureCode(new Error('first\nsecond'))).toBe('first');
  });
});

describe('readFailed and failureReason', () => {
  it('turn a failed read into a note naming the API, and pass bugs and explained failures on', () => {
    expect(() =>
      readFailed(withFields('Rate exceeded', { name: 'ThrottlingException', $metadata: { httpStatusCode: 400 } }), 'SageMaker ListApps'),
    ).toThrow(new CostSourceError('SageMaker ListApps failed (ThrottlingException (HTTP 400))'));
    const bug = new TypeError('x is undefined');
    expect(() => readFailed(bug, 'SageMaker ListApps')).toThrow(bug);
    const explained = new CostSourceError("AWS denied ListApps: grant the bot's role sagemaker:ListApps");
    expect(failureReason(explained, 'SageMaker ListApps')).toBe(explained.message);
  });

  it("failureDetail is one line with the error's name", () => {
    expect(failureDetail(withFields('The instance is a spot instance\nand cannot be stopped.', { name: 'UnsupportedOperation' }))).toBe(
      'UnsupportedOperation: The instance is a spot instance',
    );
  });
});

describe('a reading whose every place fails', () => {
  // a place whose every read fails, as a GCP project the bot may not read: it has no serving loads to read
  const failing = (): UtilizationSource => {
    const fail = async (): Promise<never> => {
      throw new CostSourceError('GCP denied compute.instances.list');
    };
    return { name: 'project', gpuInstances: fail, endpoints: fail, notebooks: fail, studioApps: fail };
  };

  it('is unread even when serving loads are asked of places that cannot read them', async () => {
    const source = regionalUtilization([
      [{ account: 'ml-a', region: 'all zones', cloud: 'gcp' }, failing()],
      [{ account: 'ml-b', region: 'all zones', cloud: 'gcp' }, failing()],
    ]);
    expect(source.servingLoads).toBeUndefined();
    const reading = await readUtilization(source, '2026-11-16', '2026-11-23', [...IDLE_PARTS, 'servingLoads']);
    expect(reading.unread).toBe(true);
    expect(reading.notes).toHaveLength(2);
  });
});
