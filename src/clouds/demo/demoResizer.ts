// Resize and Restore on the demo account: its simulated control plane moves the variant to the new
// size under a new configuration, so the next scan and rightsizing see it there, as in SageMaker.
import { randomUUID } from 'node:crypto';
import { type Resizer, type ResizeTarget, resizedConfigName, type SavedResize } from '../resizer.ts';
import { ActionRefused, type CloudCall } from '../stopper.ts';
import type { DemoControlPlane } from './demoUtilization.ts';

const demoCall = (call: string, before: string, after: string): CloudCall => ({
  call: `demo:${call}`,
  requestId: `demo-${randomUUID()}`,
  before,
  after,
});

export class DemoResizer implements Resizer {
  constructor(
    private readonly plane: DemoControlPlane,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async resize(target: ResizeTarget, calls: CloudCall[]): Promise<SavedResize> {
    const { endpointName, variantName } = target;
    if (!this.plane.isRunning(endpointName)) throw new ActionRefused('the endpoint no longer exists');
    const toConfig = resizedConfigName(target.endpointConfigName, this.now());
    calls.push(demoCall('CreateEndpointConfig', target.endpointConfigName, toConfig));
    calls.push(demoCall('UpdateEndpoint', target.endpointConfigName, `${toConfig} (blue/green)`));
    this.plane.resize(endpointName, variantName, { ...target.to, endpointConfigName: toConfig });
    return { endpointName, variantName, fromConfig: target.endpointConfigName, toConfig, from: target.from, to: target.to };
  }

  async restore(saved: SavedResize, calls: CloudCall[]): Promise<void> {
    if (this.plane.sizeOf(saved.endpointName, saved.variantName)?.endpointConfigName !== saved.toConfig)
      throw new ActionRefused('it no longer runs the resized configuration');
    calls.push(demoCall('UpdateEndpoint', saved.toConfig, `${saved.fromConfig} (blue/green)`));
    this.plane.resize(saved.endpointName, saved.variantName, undefined);
  }
}
