// Stop and Restore for a SageMaker real-time endpoint. Stop saves what Restore needs (the endpoint
// configuration name, tags, each variant's weight and instance count, and its Application Auto
// Scaling targets and policies, which AWS drops silently with the endpoint), then deletes the
// endpoint. Restore creates it again from the saved configuration, waits until it serves, puts
// the weights and counts back and registers the autoscaling again.
import {
  type ApplicationAutoScalingClient,
  DescribeScalableTargetsCommand,
  DescribeScalingPoliciesCommand,
  PutScalingPolicyCommand,
  RegisterScalableTargetCommand,
  type ScalingPolicy,
} from '@aws-sdk/client-application-auto-scaling';
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
import { isMissingResource } from './sageMakerResources.ts';

const DIMENSION = 'sagemaker:variant:DesiredInstanceCount';

export interface SavedEndpoint {
  endpointName: string;
  endpointConfigName: string;
  tags: { Key: string; Value: string }[];
  variants: { VariantName: string; weight: number; instanceCount: number }[];
  scalableTargets: { ResourceId: string; MinCapacity: number; MaxCapacity: number; RoleARN?: string }[];
  policies: Pick<
    ScalingPolicy,
    'PolicyName' | 'ResourceId' | 'PolicyType' | 'TargetTrackingScalingPolicyConfiguration' | 'StepScalingPolicyConfiguration'
  >[];
}

const resourceId = (endpoint: string, variant: string) => `endpoint/${endpoint}/variant/${variant}`;
const requestId = (output: { $metadata: { requestId?: string } }) => output.$metadata.requestId ?? 'unknown';

export class SageMakerEndpointStopper implements Stopper {
  constructor(
    private readonly sagemaker: SageMakerClient,
    private readonly autoscaling: ApplicationAutoScalingClient,
    /** how often and how long Restore waits for the endpoint to come back in service */
    private readonly wait: { pollMs: number; timeoutMs: number } = { pollMs: 15_000, timeoutMs: 14 * 60_000 },
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
    const ids = variants.map((v) => resourceId(ref.name, v.VariantName));
    const targets = ids.length
      ? ((
          await this.autoscaling.send(
            new DescribeScalableTargetsCommand({ ServiceNamespace: 'sagemaker', ResourceIds: ids, ScalableDimension: DIMENSION }),
          )
        ).ScalableTargets ?? [])
      : [];
    const policies = (
      await Promise.all(
        targets.map(
          async (t) =>
            (
              await this.autoscaling.send(
                new DescribeScalingPoliciesCommand({
                  ServiceNamespace: 'sagemaker',
                  ResourceId: t.ResourceId,
                  ScalableDimension: DIMENSION,
                }),
              )
            ).ScalingPolicies ?? [],
        ),
      )
    ).flat();
    const saved: SavedEndpoint = {
      endpointName: ref.name,
      endpointConfigName: endpoint.EndpointConfigName!,
      // aws: tags belong to AWS and cannot be set on CreateEndpoint
      tags: tags.filter((t) => !t.Key!.startsWith('aws:')).map((t) => ({ Key: t.Key!, Value: t.Value ?? '' })),
      variants,
      scalableTargets: targets.map((t) => ({
        ResourceId: t.ResourceId!,
        MinCapacity: t.MinCapacity!,
        MaxCapacity: t.MaxCapacity!,
        ...(t.RoleARN ? { RoleARN: t.RoleARN } : {}),
      })),
      policies: policies.map((p) => ({
        PolicyName: p.PolicyName,
        ResourceId: p.ResourceId,
        PolicyType: p.PolicyType,
        ...(p.TargetTrackingScalingPolicyConfiguration
          ? { TargetTrackingScalingPolicyConfiguration: p.TargetTrackingScalingPolicyConfiguration }
          : {}),
        ...(p.StepScalingPolicyConfiguration ? { StepScalingPolicyConfiguration: p.StepScalingPolicyConfiguration } : {}),
      })),
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
    for (const target of saved.scalableTargets) {
      const registered = await this.autoscaling.send(
        new RegisterScalableTargetCommand({ ServiceNamespace: 'sagemaker', ScalableDimension: DIMENSION, ...target }),
      );
      calls.push({
        call: 'application-autoscaling:RegisterScalableTarget',
        requestId: requestId(registered),
        before: 'none',
        after: `${target.ResourceId} ${target.MinCapacity}–${target.MaxCapacity}`,
      });
    }
    for (const policy of saved.policies) {
      const put = await this.autoscaling.send(
        new PutScalingPolicyCommand({ ServiceNamespace: 'sagemaker', ScalableDimension: DIMENSION, ...policy } as never),
      );
      calls.push({
        call: 'application-autoscaling:PutScalingPolicy',
        requestId: requestId(put),
        before: 'none',
        after: `${policy.PolicyName} on ${policy.ResourceId}`,
      });
    }
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
    const until = Date.now() + this.wait.timeoutMs;
    for (;;) {
      const endpoint = await this.sagemaker.send(new DescribeEndpointCommand({ EndpointName: name }));
      if (endpoint.EndpointStatus === 'InService') return endpoint;
      if (endpoint.EndpointStatus === 'Failed')
        throw new Error(`the endpoint failed to start: ${endpoint.FailureReason ?? 'no reason given'}`);
      if (Date.now() > until)
        throw new Error(
          `the endpoint is still ${endpoint.EndpointStatus} after ${Math.round(this.wait.timeoutMs / 60_000)} minutes; its autoscaling is not registered yet, press Restore again once it is InService`,
        );
      await new Promise((r) => setTimeout(r, this.wait.pollMs));
    }
  }
}
