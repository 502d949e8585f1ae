// Stop and Restore for a Compute Engine VM: instances.stop and instances.start, each waited on until
// its zone operation is done. The VM keeps its boot and persistent disks, name and internal IP; its
// local SSDs are discarded, preserved or the VM is not stopped, as approvals.gce_local_ssd says
// (GCE requires discardLocalSsd of a VM that has them).
import type { InstancesClient, protos, ZoneOperationsClient } from '@google-cloud/compute';
import type { FindingRef } from '../../actions/findingRef.ts';
import { type LocalSsdPolicy } from '../resourceKinds.ts';
import { ActionRefused, type CloudCall, type Stopper } from '../stopper.ts';

/** operations.wait returns after at most two minutes; a stop or start that takes longer is waited on again. */
const MAX_WAITS = 10;

type Operation = protos.google.cloud.compute.v1.IOperation;

export class GceInstanceStopper implements Stopper {
  constructor(
    private readonly instances: InstancesClient,
    private readonly operations: ZoneOperationsClient,
    private readonly localSsd: LocalSsdPolicy,
  ) {}

  private where(ref: FindingRef): { project: string; zone: string; instance: string } {
    if (!ref.account || !ref.region) throw new ActionRefused("the finding does not name the VM's project and zone");
    return { project: ref.account, zone: ref.region, instance: ref.id };
  }

  /** Waits until the zone operation is done; its error, if it has one, is thrown. */
  private async done(started: Operation, project: string, zone: string): Promise<string> {
    let operation = started;
    for (let i = 0; operation.status !== 'DONE' && i < MAX_WAITS; i++) {
      [operation] = await this.operations.wait({ project, zone, operation: started.name! });
    }
    if (operation.status !== 'DONE') throw new Error(`operation ${started.name} is still ${operation.status} after ${MAX_WAITS} waits`);
    const failure = operation.error?.errors?.[0];
    if (failure) throw new Error(`${failure.code}: ${failure.message}`);
    return started.name ?? 'unknown';
  }

  async stop(ref: FindingRef, calls: CloudCall[]): Promise<{ project: string; zone: string; instance: string }> {
    const where = this.where(ref);
    const [vm] = await this.instances.get(where);
    if (vm.status !== 'RUNNING') throw new ActionRefused(`the VM is ${vm.status}, not RUNNING`);
    const localSsd = (vm.disks ?? []).some((d) => d.type === 'SCRATCH');
    if (localSsd && this.localSsd === 'refuse') throw new ActionRefused('it has local SSD and approvals.gce_local_ssd is refuse');
    const [operation] = await this.instances.stop({ ...where, ...(localSsd ? { discardLocalSsd: this.localSsd === 'discard' } : {}) });
    const name = await this.done(operation.latestResponse as Operation, where.project, where.zone);
    const after = localSsd ? `TERMINATED (local SSD ${this.localSsd === 'discard' ? 'discarded' : 'preserved'})` : 'TERMINATED';
    calls.push({ call: 'compute.instances.stop', requestId: name, before: 'RUNNING', after });
    return where;
  }

  async restore(ref: FindingRef, _saved: unknown, calls: CloudCall[]): Promise<void> {
    const where = this.where(ref);
    const [operation] = await this.instances.start(where);
    const name = await this.done(operation.latestResponse as Operation, where.project, where.zone);
    calls.push({ call: 'compute.instances.start', requestId: name, before: 'TERMINATED', after: 'RUNNING' });
  }
}
