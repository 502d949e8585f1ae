// A SageMaker variant's Application Auto Scaling, saved and put back: AWS drops it with a deleted
// endpoint, and refuses an update that changes the instance type of a variant it scales, so Stop
// and Resize save it first and register it again afterwards.
import {
  type ApplicationAutoScalingClient,
  DeregisterScalableTargetCommand,
  DescribeScalableTargetsCommand,
  DescribeScalingPoliciesCommand,
  PutScalingPolicyCommand,
  RegisterScalableTargetCommand,
  type ScalingPolicy,
} from '@aws-sdk/client-application-auto-scaling';
import type { CloudCall } from '../stopper.ts';

const DIMENSION = 'sagemaker:variant:DesiredInstanceCount';

export const variantResourceId = (endpoint: string, variant: string) => `endpoint/${endpoint}/variant/${variant}`;
export const requestId = (output: { $metadata: { requestId?: string } }) => output.$metadata.requestId ?? 'unknown';

export interface SavedAutoscaling {
  scalableTargets: { ResourceId: string; MinCapacity: number; MaxCapacity: number; RoleARN?: string }[];
  policies: Pick<
    ScalingPolicy,
    'PolicyName' | 'ResourceId' | 'PolicyType' | 'TargetTrackingScalingPolicyConfiguration' | 'StepScalingPolicyConfiguration'
  >[];
}

/** The scalable targets registered for these variants (endpoint/NAME/variant/VARIANT) and their policies. */
export async function readAutoscaling(client: ApplicationAutoScalingClient, ids: string[]): Promise<SavedAutoscaling> {
  const targets = ids.length
    ? ((
        await client.send(
          new DescribeScalableTargetsCommand({ ServiceNamespace: 'sagemaker', ResourceIds: ids, ScalableDimension: DIMENSION }),
        )
      ).ScalableTargets ?? [])
    : [];
  const policies = (
    await Promise.all(
      targets.map(
        async (t) =>
          (
            await client.send(
              new DescribeScalingPoliciesCommand({ ServiceNamespace: 'sagemaker', ResourceId: t.ResourceId, ScalableDimension: DIMENSION }),
            )
          ).ScalingPolicies ?? [],
      ),
    )
  ).flat();
  return {
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
}

/** Deregisters the variants' scalable targets (their policies go with them). */
export async function deregisterAutoscaling(
  client: ApplicationAutoScalingClient,
  saved: SavedAutoscaling,
  calls: CloudCall[],
): Promise<void> {
  for (const target of saved.scalableTargets) {
    const done = await client.send(
      new DeregisterScalableTargetCommand({ ServiceNamespace: 'sagemaker', ScalableDimension: DIMENSION, ResourceId: target.ResourceId }),
    );
    calls.push({
      call: 'application-autoscaling:DeregisterScalableTarget',
      requestId: requestId(done),
      before: `${target.ResourceId} ${target.MinCapacity}–${target.MaxCapacity}`,
      after: 'none',
    });
  }
}

/** Registers the saved scalable targets and puts their policies back. */
export async function registerAutoscaling(
  client: ApplicationAutoScalingClient,
  saved: SavedAutoscaling,
  calls: CloudCall[],
): Promise<void> {
  for (const target of saved.scalableTargets) {
    const registered = await client.send(
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
    const put = await client.send(
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
