// Resize and Restore for a SageMaker real-time endpoint variant, as SageMaker's guide to updating
// an endpoint that uses autoscaling has it: save and deregister the variant's autoscaling (an update
// that changes a scaled variant's instance type is refused), create a copy of the endpoint's
// configuration with the new instance type and count for that variant (everything else kept, the
// other variants at their current counts), update the endpoint with a blue/green deployment (new
// instances start, traffic shifts at once, the old ones stop after the baking period; the alarms
// named roll it back), wait until it serves, and register the autoscaling again. Restore updates
// the endpoint back to the configuration it ran before.
import type { ApplicationAutoScalingClient } from '@aws-sdk/client-application-auto-scaling';
import {
  CreateEndpointConfigCommand,
  type CreateEndpointConfigInput,
  type DeploymentConfig,
  DescribeEndpointCommand,
  type DescribeEndpointCommandOutput,
  DescribeEndpointConfigCommand,
  ListTagsCommand,
  type SageMakerClient,
  UpdateEndpointCommand,
  UpdateEndpointWeightsAndCapacitiesCommand,
} from '@aws-sdk/client-sagemaker';
import { describeSize, type Resizer, type ResizeTarget, resizedConfigName, type SavedResize } from '../resizer.ts';
import { ActionRefused, ChangeUndone, type CloudCall } from '../stopper.ts';
import { type EndpointWait, settledEndpoint } from './endpointStatus.ts';
import {
  deregisterAutoscaling,
  readAutoscaling,
  registerAutoscaling,
  requestId,
  type SavedAutoscaling,
  variantResourceId,
} from './variantAutoscaling.ts';

export interface ResizeOptions {
  wait: EndpointWait;
  /** CloudWatch alarms that roll the update back when they fire during the baking period */
  rollbackAlarms: string[];
  /** how long traffic bakes on the new instances before the old ones stop, seconds */
  bakeSeconds: number;
}

export const DEFAULT_RESIZE_OPTIONS: ResizeOptions = {
  wait: { pollMs: 15_000, timeoutMs: 14 * 60_000 },
  rollbackAlarms: [],
  bakeSeconds: 120,
};

export class SageMakerEndpointResizer implements Resizer {
  constructor(
    private readonly sagemaker: SageMakerClient,
    private readonly autoscaling: ApplicationAutoScalingClient,
    private readonly options: ResizeOptions = DEFAULT_RESIZE_OPTIONS,
    private readonly now: () => Date = () => new Date(),
  ) {}

  private deployment(): DeploymentConfig {
    return {
      BlueGreenUpdatePolicy: {
        TrafficRoutingConfiguration: { Type: 'ALL_AT_ONCE', WaitIntervalInSeconds: this.options.bakeSeconds },
        TerminationWaitInSeconds: 0,
      },
      ...(this.options.rollbackAlarms.length
        ? { AutoRollbackConfiguration: { Alarms: this.options.rollbackAlarms.map((AlarmName) => ({ AlarmName })) } }
        : {}),
    };
  }

  async resize(target: ResizeTarget, calls: CloudCall[]): Promise<SavedResize> {
    const { endpointName, variantName } = target;
    const endpoint = await this.sagemaker.send(new DescribeEndpointCommand({ EndpointName: endpointName }));
    if (endpoint.EndpointStatus !== 'InService')
      throw new ActionRefused(`the endpoint is ${endpoint.EndpointStatus}, not InService; try again when it is`);
    if (endpoint.EndpointConfigName !== target.endpointConfigName)
      throw new ActionRefused(`its configuration changed since the recommendation (now ${endpoint.EndpointConfigName})`);
    const config = await this.sagemaker.send(new DescribeEndpointConfigCommand({ EndpointConfigName: endpoint.EndpointConfigName }));
    const variant = config.ProductionVariants?.find((v) => v.VariantName === variantName);
    if (!variant?.InstanceType) throw new ActionRefused(`the configuration has no instance-backed variant ${variantName}`);
    const counts = new Map((endpoint.ProductionVariants ?? []).map((v) => [v.VariantName!, v.CurrentInstanceCount ?? 1]));
    if (variant.InstanceType !== target.from.instanceType || counts.get(variantName) !== target.from.count)
      throw new ActionRefused(
        `${variantName} now runs ${describeSize({ count: counts.get(variantName) ?? 0, instanceType: variant.InstanceType })}, not the ${describeSize(target.from)} recommended from`,
      );
    const tags = ((await this.sagemaker.send(new ListTagsCommand({ ResourceArn: config.EndpointConfigArn }))).Tags ?? []).filter(
      (t) => !t.Key!.startsWith('aws:'),
    );
    const autoscaling = await readAutoscaling(this.autoscaling, [variantResourceId(endpointName, variantName)]);

    const toConfig = resizedConfigName(endpoint.EndpointConfigName, this.now());
    const { EndpointConfigArn: _arn, CreationTime: _created, $metadata: _m, ...kept } = config;
    const input: CreateEndpointConfigInput = {
      ...kept,
      EndpointConfigName: toConfig,
      // each other variant starts at the count it runs now; this one at the recommended size
      ProductionVariants: config.ProductionVariants!.map((v) =>
        v.VariantName === variantName
          ? { ...v, InstanceType: target.to.instanceType as never, InitialInstanceCount: target.to.count }
          : v.InstanceType
            ? { ...v, InitialInstanceCount: counts.get(v.VariantName!) ?? v.InitialInstanceCount }
            : v,
      ),
      ...(tags.length ? { Tags: tags } : {}),
    };
    const created = await this.sagemaker.send(new CreateEndpointConfigCommand(input));
    calls.push({
      call: 'sagemaker:CreateEndpointConfig',
      requestId: requestId(created),
      before: endpoint.EndpointConfigName,
      after: `${toConfig}: ${variantName} ${describeSize(target.to)}`,
    });
    const saved: SavedResize = {
      endpointName,
      variantName,
      fromConfig: endpoint.EndpointConfigName,
      toConfig,
      from: target.from,
      to: target.to,
      putAside: autoscaling,
    };
    await this.update(saved, toConfig, autoscaling, calls);
    const after = await this.settled(endpointName);
    if (after.EndpointConfigName !== toConfig) {
      // the new fleet failed or an alarm fired: SageMaker kept the old one serving
      await registerAutoscaling(this.autoscaling, autoscaling, calls);
      throw new ChangeUndone(
        `SageMaker rolled the update back (${after.FailureReason ?? 'no reason given'}); ${variantName} still runs ${describeSize(target.from)}`,
      );
    }
    // the autoscaling again, its range widened where the new count lies outside it
    await registerAutoscaling(this.autoscaling, resizedAutoscaling(autoscaling, target.to.count), calls);
    return saved;
  }

  async restore(saved: SavedResize, calls: CloudCall[]): Promise<void> {
    const { endpointName, variantName } = saved;
    const endpoint = await this.sagemaker.send(new DescribeEndpointCommand({ EndpointName: endpointName }));
    if (endpoint.EndpointStatus !== 'InService')
      throw new ActionRefused(`the endpoint is ${endpoint.EndpointStatus}, not InService; try again when it is`);
    // a Restore that died after its update goes on from there
    let settled = endpoint;
    if (endpoint.EndpointConfigName !== saved.fromConfig) {
      if (endpoint.EndpointConfigName !== saved.toConfig)
        throw new ActionRefused(
          `its configuration changed since the resize (now ${endpoint.EndpointConfigName}); burnrate does not undo a change it did not make`,
        );
      const current = await readAutoscaling(this.autoscaling, [variantResourceId(endpointName, variantName)]);
      await this.update(saved, saved.fromConfig, current, calls);
      settled = await this.settled(endpointName);
      if (settled.EndpointConfigName !== saved.fromConfig) {
        await registerAutoscaling(this.autoscaling, current, calls);
        throw new ChangeUndone(
          `SageMaker rolled the update back (${settled.FailureReason ?? 'no reason given'}); it still runs ${describeSize(saved.to)}`,
        );
      }
    }
    // the old configuration starts each variant at its initial count: put this one's and the others' back
    const counts = new Map((endpoint.ProductionVariants ?? []).map((v) => [v.VariantName!, v.CurrentInstanceCount ?? 1]));
    counts.set(variantName, saved.from.count);
    const changed = (settled.ProductionVariants ?? []).filter(
      (v) => counts.has(v.VariantName!) && v.CurrentInstanceCount !== counts.get(v.VariantName!),
    );
    if (changed.length) {
      const updated = await this.sagemaker.send(
        new UpdateEndpointWeightsAndCapacitiesCommand({
          EndpointName: endpointName,
          DesiredWeightsAndCapacities: changed.map((v) => ({
            VariantName: v.VariantName!,
            DesiredInstanceCount: counts.get(v.VariantName!)!,
          })),
        }),
      );
      calls.push({
        call: 'sagemaker:UpdateEndpointWeightsAndCapacities',
        requestId: requestId(updated),
        before: changed.map((v) => `${v.VariantName}: ${v.CurrentInstanceCount} instances`).join('; '),
        after: changed.map((v) => `${v.VariantName}: ${counts.get(v.VariantName!)} instances`).join('; '),
      });
      await this.settled(endpointName);
    }
    if (saved.putAside) await registerAutoscaling(this.autoscaling, saved.putAside as SavedAutoscaling, calls);
  }

  /** Moves the endpoint to `config` with the autoscaling that would refuse it out of the way, and puts it back if the call fails. */
  private async update(saved: SavedResize, config: string, autoscaling: SavedAutoscaling, calls: CloudCall[]): Promise<void> {
    await deregisterAutoscaling(this.autoscaling, autoscaling, calls);
    try {
      const updated = await this.sagemaker.send(
        new UpdateEndpointCommand({
          EndpointName: saved.endpointName,
          EndpointConfigName: config,
          // weights and data capture stay as they are; the counts are the new configuration's
          RetainAllVariantProperties: true,
          ExcludeRetainedVariantProperties: [{ VariantPropertyType: 'DesiredInstanceCount' }],
          DeploymentConfig: this.deployment(),
        }),
      );
      calls.push({
        call: 'sagemaker:UpdateEndpoint',
        requestId: requestId(updated),
        before: config === saved.toConfig ? saved.fromConfig : saved.toConfig,
        after: `${config} (blue/green)`,
      });
    } catch (error) {
      await registerAutoscaling(this.autoscaling, autoscaling, calls);
      throw error;
    }
  }

  private async settled(name: string): Promise<DescribeEndpointCommandOutput> {
    const endpoint = await settledEndpoint(this.sagemaker, name, this.options.wait);
    if (!endpoint)
      throw new Error(
        `the endpoint is still updating after ${Math.round(this.options.wait.timeoutMs / 60_000)} minutes; SageMaker goes on (and rolls back if the new instances fail), but the variant's autoscaling is not registered again yet: register it once the endpoint is InService`,
      );
    if (endpoint.EndpointStatus !== 'InService')
      throw new Error(`the endpoint is ${endpoint.EndpointStatus}: ${endpoint.FailureReason ?? 'no reason given'}`);
    return endpoint;
  }
}

/** The saved autoscaling with its range holding `count`: the recommendation never goes below the minimum, but the maximum may. */
function resizedAutoscaling(saved: SavedAutoscaling, count: number): SavedAutoscaling {
  return {
    ...saved,
    scalableTargets: saved.scalableTargets.map((t) => ({
      ...t,
      MinCapacity: Math.min(t.MinCapacity, count),
      MaxCapacity: Math.max(t.MaxCapacity, count),
    })),
  };
}
