// Stop and Restore for a SageMaker real-time endpoint. Stop saves what Restore needs (the endpoint
// configuration name, tags, each variant's weight and instance count, and its Application Auto
// Scaling targets and policies, which AWS drops silently with the endpoint), then deletes the
// endpoint. Restore creates it again from the saved configuration, waits until it serves, puts
// the weights and counts back and registers the autoscaling again.
import type { ApplicationAutoScalingClient } from '@aws-sdk/client-application-auto-scaling';
import {
  CreateEndpointCommand,
  DeleteEndpointCommand,
  DescribeEndpointCommand,
  type DescribeEndpointCommandOutput,
  ListTagsCommand,
  type SageMakerClient,
  UpdateEndpointWeightsAndCapacitiesCommand,
} from '@aws-sdk/client-sagemaker';
import type { FindingRef } from '../../actions/findingRef.ts';
import { ActionRefused, type CloudCall, type Stopper } from '../stopper.ts';
import { type EndpointWait, settledEndpoint } from './endpointStatus.ts';
import { isMissingResource } from './sageMakerResources.ts';
import { readAutoscaling, registerAutoscaling, requestId, type SavedAutoscaling, variantResourceId } from './variantAutoscaling.ts';

export interface SavedEndpoint extends SavedAutoscaling {
  endpointName: string;
  endpointConfigName: string;
  tags: { Key: string; Value: string }[];
  variants: { VariantName: string; weight: number; instanceCount: number }[];
}

export class SageMakerEndpointStopper implements Stopper {
  constructor(
    private readonly sagemaker: SageMakerClient,
    private readonly autoscaling: ApplicationAutoScalingClient,
    /** how often and how long Restore waits for the endpoint to come back in service */
    private readonly wait: EndpointWait = { pollMs: 15_000, timeoutMs: 14 * 60_000 },
  ) {}

  async stop(ref: FindingRef, calls: CloudCall[]): Promise<SavedEndpoint> {
    const endpoint = await this.sagemaker.send(new DescribeEndpointCommand({ EndpointName: ref.name }));
    if (endpoint.EndpointStatus !== 'InService')
      throw new ActionRefused(`the endpoint is ${endpoint.EndpointStatus}, not InService; try again when it is`);
    const tags = (await this.sagemaker.send(new ListTagsCommand({ ResourceArn: endpoint.EndpointArn }))).Tags ?? [];
    const variants = (endpoint.ProductionVariants ?? []).map((v) => ({
      VariantName: v.VariantName!,
      weight: v.CurrentWeight ?? 1,
      instanceCount: v.CurrentInstanceCount ?? 1,
    }));
    const autoscaling = await readAutoscaling(
      this.autoscaling,
      variants.map((v) => variantResourceId(ref.name, v.VariantName)),
    );
    const saved: SavedEndpoint = {
      endpointName: ref.name,
      endpointConfigName: endpoint.EndpointConfigName!,
      // aws: tags belong to AWS and cannot be set on CreateEndpoint
      tags: tags.filter((t) => !t.Key!.startsWith('aws:')).map((t) => ({ Key: t.Key!, Value: t.Value ?? '' })),
      variants,
      ...autoscaling,
    };
    const deleted = await this.sagemaker.send(new DeleteEndpointCommand({ EndpointName: ref.name }));
    calls.push({ call: 'sagemaker:DeleteEndpoint', requestId: requestId(deleted), before: 'InService', after: 'deleted' });
    return saved;
  }

  async restore(_ref: FindingRef, savedValue: unknown, calls: CloudCall[]): Promise<void> {
    const saved = savedValue as SavedEndpoint;
    // a Restore that timed out waiting left the endpoint there: go on from where it stopped
    if (!(await this.exists(saved.endpointName))) {
      const created = await this.sagemaker.send(
        new CreateEndpointCommand({
          EndpointName: saved.endpointName,
          EndpointConfigName: saved.endpointConfigName,
          ...(saved.tags.length ? { Tags: saved.tags } : {}),
        }),
      );
      calls.push({ call: 'sagemaker:CreateEndpoint', requestId: requestId(created), before: 'deleted', after: 'Creating' });
    }
    let endpoint = await this.inService(saved.endpointName);
    const changed = saved.variants.filter((v) => {
      const now = endpoint.ProductionVariants?.find((p) => p.VariantName === v.VariantName);
      return now?.CurrentWeight !== v.weight || now?.CurrentInstanceCount !== v.instanceCount;
    });
    if (changed.length) {
      const updated = await this.sagemaker.send(
        new UpdateEndpointWeightsAndCapacitiesCommand({
          EndpointName: saved.endpointName,
          DesiredWeightsAndCapacities: changed.map((v) => ({
            VariantName: v.VariantName,
            DesiredWeight: v.weight,
            DesiredInstanceCount: v.instanceCount,
          })),
        }),
      );
      calls.push({
        call: 'sagemaker:UpdateEndpointWeightsAndCapacities',
        requestId: requestId(updated),
        before: 'configuration defaults',
        after: changed.map((v) => `${v.VariantName}: weight ${v.weight}, ${v.instanceCount} instances`).join('; '),
      });
      endpoint = await this.inService(saved.endpointName);
    }
    await registerAutoscaling(this.autoscaling, saved, calls);
  }

  private async exists(name: string): Promise<boolean> {
    try {
      await this.sagemaker.send(new DescribeEndpointCommand({ EndpointName: name }));
      return true;
    } catch (error) {
      if (isMissingResource(error)) return false;
      throw error;
    }
  }

  private async inService(name: string): Promise<DescribeEndpointCommandOutput> {
    const endpoint = await settledEndpoint(this.sagemaker, name, this.wait);
    if (!endpoint)
      throw new Error(
        `the endpoint is still not InService after ${Math.round(this.wait.timeoutMs / 60_000)} minutes; its autoscaling is not registered yet, press Restore again once it is InService`,
      );
    if (endpoint.EndpointStatus !== 'InService')
      throw new Error(`the endpoint failed to start: ${endpoint.FailureReason ?? 'no reason given'}`);
    return endpoint;
  }
}
