// Stop and Restore for an EC2 GPU instance: StopInstances keeps the EBS volumes, the instance ID and
// its private IP; Restore starts it again. Spot instances cannot be stopped and are refused.
import { DescribeInstancesCommand, type EC2Client, StartInstancesCommand, StopInstancesCommand } from '@aws-sdk/client-ec2';
import type { FindingRef } from '../../actions/findingRef.ts';
import { ActionRefused, type CloudCall, type Stopper } from '../stopper.ts';

export class Ec2InstanceStopper implements Stopper {
  constructor(private readonly ec2: EC2Client) {}

  async stop(ref: FindingRef, calls: CloudCall[]): Promise<{ instanceId: string }> {
    const described = await this.ec2.send(new DescribeInstancesCommand({ InstanceIds: [ref.id] }));
    const instance = described.Reservations?.[0]?.Instances?.[0];
    if (!instance) throw new ActionRefused('the instance no longer exists');
    if (instance.InstanceLifecycle === 'spot')
      throw new ActionRefused('it is a Spot instance, which cannot be stopped, only terminated; burnrate does not terminate');
    if (instance.State?.Name !== 'running') throw new ActionRefused(`the instance is ${instance.State?.Name}, not running`);
    const stopped = await this.ec2.send(new StopInstancesCommand({ InstanceIds: [ref.id] }));
    const change = stopped.StoppingInstances?.[0];
    calls.push({
      call: 'ec2:StopInstances',
      requestId: stopped.$metadata.requestId ?? 'unknown',
      before: change?.PreviousState?.Name ?? 'running',
      after: change?.CurrentState?.Name ?? 'stopping',
    });
    return { instanceId: ref.id };
  }

  async restore(ref: FindingRef, _saved: unknown, calls: CloudCall[]): Promise<void> {
    const started = await this.ec2.send(new StartInstancesCommand({ InstanceIds: [ref.id] }));
    const change = started.StartingInstances?.[0];
    calls.push({
      call: 'ec2:StartInstances',
      requestId: started.$metadata.requestId ?? 'unknown',
      before: change?.PreviousState?.Name ?? 'stopped',
      after: change?.CurrentState?.Name ?? 'pending',
    });
  }
}
