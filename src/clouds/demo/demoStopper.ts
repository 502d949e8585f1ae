// Stop and Restore on the demo account: its simulated control plane stops and starts the resource,
// so the next scan leaves it out and Restore brings it back, as the real stoppers do in AWS.
import { randomUUID } from 'node:crypto';
import type { FindingRef } from '../../actions/findingRef.ts';
import { type FindingKind } from '../resourceKinds.ts';
import { ActionRefused, type CloudCall, type Stopper } from '../stopper.ts';
import type { DemoControlPlane } from './demoUtilization.ts';

/** The call each kind's real stopper makes to stop and to restore, and the states it moves the resource between. */
const CALLS: Record<FindingKind, Record<'stop' | 'restore', [call: string, before: string, after: string]>> = {
  'sagemaker-endpoint': { stop: ['DeleteEndpoint', 'InService', 'Deleting'], restore: ['CreateEndpoint', 'none', 'InService'] },
  'ec2-gpu-instance': { stop: ['StopInstances', 'running', 'stopping'], restore: ['StartInstances', 'stopped', 'pending'] },
  'sagemaker-notebook': {
    stop: ['StopNotebookInstance', 'InService', 'Stopping'],
    restore: ['StartNotebookInstance', 'Stopped', 'Pending'],
  },
  'sagemaker-studio-app': { stop: ['DeleteApp', 'InService', 'Deleting'], restore: ['CreateApp', 'none', 'InService'] },
  'gce-gpu-instance': {
    stop: ['compute.instances.stop', 'RUNNING', 'TERMINATED'],
    restore: ['compute.instances.start', 'TERMINATED', 'RUNNING'],
  },
  'vertex-endpoint': {
    stop: ['aiplatform.endpoints.undeployModel', 'deployed', 'undeployed'],
    restore: ['aiplatform.endpoints.deployModel', 'undeployed', 'deployed'],
  },
};

/** The audit's record of a simulated call, with a request id of its own. */
function demoCall(ref: FindingRef, move: 'stop' | 'restore'): CloudCall {
  const [call, before, after] = CALLS[ref.kind][move];
  return { call: `demo:${call}`, requestId: `demo-${randomUUID()}`, before, after };
}

/** The name the demo control plane knows the resource by: the endpoint's name, or the id. */
const demoName = (ref: FindingRef) => (ref.kind === 'sagemaker-endpoint' || ref.kind === 'sagemaker-notebook' ? ref.name : ref.id);

export class DemoStopper implements Stopper {
  constructor(private readonly plane: DemoControlPlane) {}

  async stop(ref: FindingRef, calls: CloudCall[]): Promise<{ demo: string }> {
    const name = demoName(ref);
    if (!this.plane.stop(name)) throw new ActionRefused('it is stopped already');
    calls.push(demoCall(ref, 'stop'));
    return { demo: name };
  }

  async restore(ref: FindingRef, _saved: unknown, calls: CloudCall[]): Promise<void> {
    const name = demoName(ref);
    if (!this.plane.start(name)) throw new ActionRefused('it is running already');
    calls.push(demoCall(ref, 'restore'));
  }
}
