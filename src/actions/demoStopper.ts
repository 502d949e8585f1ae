// Stop and Restore on the demo account: its simulated control plane stops and starts the resource,
// so the next scan leaves it out and Restore brings it back, as the real stoppers do in AWS.
import { randomUUID } from 'node:crypto';
import type { DemoControlPlane } from '../digest/demoUtilization.ts';
import type { FindingKind } from '../scan/idleFindings.ts';
import type { FindingRef } from './findingRef.ts';
import { ActionRefused, type CloudCall, type Stopper } from './stopper.ts';

/** The call each kind's real stopper makes, and the states it moves the resource between. */
const CALLS: Record<FindingKind, { stop: CloudCall; restore: CloudCall }> = {
  'sagemaker-endpoint': {
    stop: { call: 'demo:DeleteEndpoint', requestId: '', before: 'InService', after: 'Deleting' },
    restore: { call: 'demo:CreateEndpoint', requestId: '', before: 'none', after: 'InService' },
  },
  'ec2-gpu-instance': {
    stop: { call: 'demo:StopInstances', requestId: '', before: 'running', after: 'stopping' },
    restore: { call: 'demo:StartInstances', requestId: '', before: 'stopped', after: 'pending' },
  },
  'sagemaker-notebook': {
    stop: { call: 'demo:StopNotebookInstance', requestId: '', before: 'InService', after: 'Stopping' },
    restore: { call: 'demo:StartNotebookInstance', requestId: '', before: 'Stopped', after: 'Pending' },
  },
  'sagemaker-studio-app': {
    stop: { call: 'demo:DeleteApp', requestId: '', before: 'InService', after: 'Deleting' },
    restore: { call: 'demo:CreateApp', requestId: '', before: 'none', after: 'InService' },
  },
  'gce-gpu-instance': {
    stop: { call: 'demo:compute.instances.stop', requestId: '', before: 'RUNNING', after: 'TERMINATED' },
    restore: { call: 'demo:compute.instances.start', requestId: '', before: 'TERMINATED', after: 'RUNNING' },
  },
  'vertex-endpoint': {
    stop: { call: 'demo:aiplatform.endpoints.undeployModel', requestId: '', before: 'deployed', after: 'undeployed' },
    restore: { call: 'demo:aiplatform.endpoints.deployModel', requestId: '', before: 'undeployed', after: 'deployed' },
  },
};

/** The name the demo control plane knows the resource by: the endpoint's name, or the id. */
const demoName = (ref: FindingRef) => (ref.kind === 'sagemaker-endpoint' || ref.kind === 'sagemaker-notebook' ? ref.name : ref.id);

export class DemoStopper implements Stopper {
  constructor(private readonly plane: DemoControlPlane) {}

  async stop(ref: FindingRef, calls: CloudCall[]): Promise<{ demo: string }> {
    const name = demoName(ref);
    if (!this.plane.stop(name)) throw new ActionRefused('it is stopped already');
    calls.push({ ...CALLS[ref.kind].stop, requestId: `demo-${randomUUID()}` });
    return { demo: name };
  }

  async restore(ref: FindingRef, _saved: unknown, calls: CloudCall[]): Promise<void> {
    const name = demoName(ref);
    if (!this.plane.start(name)) throw new ActionRefused('it is running already');
    calls.push({ ...CALLS[ref.kind].restore, requestId: `demo-${randomUUID()}` });
  }
}
