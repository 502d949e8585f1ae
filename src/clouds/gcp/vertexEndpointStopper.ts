// Stop and Restore for a Vertex AI endpoint: every deployed model is undeployed after saving what
// deploys it again (its model, display name, dedicated resources and traffic share); Restore deploys
// each again and puts the traffic split back on the new deployed model ids. The endpoint and the
// models stay; undeploying stops the node-hour charges.
import type { EndpointServiceClient, protos } from '@google-cloud/aiplatform';
import type { FindingRef } from '../../actions/findingRef.ts';
import { vertexEndpointId } from '../resourceKinds.ts';
import { ActionRefused, type CloudCall, type Stopper } from '../stopper.ts';
import { googleMessage } from './googleErrors.ts';

type DeployedModel = protos.google.cloud.aiplatform.v1.IDeployedModel;

export interface SavedDeployment {
  endpoint: string;
  models: {
    deployedModelId: string;
    model: string;
    displayName: string;
    dedicatedResources: protos.google.cloud.aiplatform.v1.IDedicatedResources;
    traffic: number;
  }[];
}

export class VertexEndpointStopper implements Stopper {
  constructor(
    private readonly endpoints: EndpointServiceClient,
    private readonly project: string,
  ) {}

  private endpointName(ref: FindingRef): string {
    if (!ref.region) throw new ActionRefused("the finding does not name the endpoint's location");
    return `projects/${this.project}/locations/${ref.region}/endpoints/${vertexEndpointId(ref)}`;
  }

  async stop(ref: FindingRef, calls: CloudCall[]): Promise<SavedDeployment> {
    const name = this.endpointName(ref);
    const [endpoint] = await this.endpoints.getEndpoint({ name });
    const deployed = (endpoint.deployedModels ?? []).filter((m): m is DeployedModel & { id: string } =>
      Boolean(m.id && m.dedicatedResources),
    );
    if (!deployed.length) throw new ActionRefused('the endpoint has no models deployed on dedicated machines');
    const saved: SavedDeployment = {
      endpoint: name,
      models: deployed.map((m) => ({
        deployedModelId: m.id,
        model: m.model!,
        displayName: m.displayName ?? '',
        dedicatedResources: m.dedicatedResources!,
        traffic: endpoint.trafficSplit?.[m.id] ?? 0,
      })),
    };
    // while models remain, the split must cover them and sum to 100; the last one leaves it empty
    for (const [k, m] of saved.models.entries()) {
      const rest = saved.models.slice(k + 1).map((r) => r.deployedModelId);
      try {
        const [operation] = await this.endpoints.undeployModel({
          endpoint: name,
          deployedModelId: m.deployedModelId,
          trafficSplit: rest.length ? evenSplit(rest) : {},
        });
        await operation.promise();
        calls.push({
          call: 'aiplatform.endpoints.undeployModel',
          requestId: operation.name ?? 'unknown',
          before: `deployed ${m.deployedModelId} (${m.displayName})`,
          after: 'undeployed',
        });
      } catch (error) {
        if (k > 0) await this.rollBack(saved, k, endpoint.trafficSplit ?? {}, calls, error as Error);
        throw new Error(googleMessage(error as Error));
      }
    }
    return saved;
  }

  /**
   * A stop that failed half-way deploys the models it had undeployed again and puts the endpoint's
   * split back, so that a failed Stop leaves the endpoint serving as it was (with new ids for them).
   */
  private async rollBack(
    saved: SavedDeployment,
    undeployed: number,
    split: Record<string, number>,
    calls: CloudCall[],
    cause: Error,
  ): Promise<never> {
    const remaining = saved.models.slice(undeployed).map((m) => m.deployedModelId);
    const newIds = new Map<string, string>();
    try {
      for (const m of saved.models.slice(0, undeployed)) {
        // the split the endpoint has now, plus the model coming back at 0
        const current = { ...evenSplit(remaining), ...Object.fromEntries([...newIds.values()].map((id) => [id, 0])), 0: 0 };
        newIds.set(m.deployedModelId, await this.deploy(saved.endpoint, m, current, calls));
      }
      const trafficSplit = Object.fromEntries(
        saved.models.map((m) => [newIds.get(m.deployedModelId) ?? m.deployedModelId, split[m.deployedModelId] ?? 0]),
      );
      await this.endpoints.updateEndpoint({ endpoint: { name: saved.endpoint, trafficSplit }, updateMask: { paths: ['traffic_split'] } });
      calls.push({
        call: 'aiplatform.endpoints.update',
        requestId: 'traffic_split',
        before: 'rolled back',
        after: JSON.stringify(trafficSplit),
      });
    } catch (error) {
      throw new Error(
        `${googleMessage(cause)}; rolling back failed too (${googleMessage(error as Error)}): models ${saved.models
          .slice(0, undeployed)
          .map((m) => m.displayName)
          .join(', ')} are undeployed`,
      );
    }
    throw new Error(
      `${googleMessage(cause)}; the ${undeployed} model${undeployed > 1 ? 's' : ''} undeployed before it ${undeployed > 1 ? 'were' : 'was'} deployed again and the traffic split put back`,
    );
  }

  private async deploy(
    endpoint: string,
    m: SavedDeployment['models'][number],
    trafficSplit: Record<string, number>,
    calls: CloudCall[],
  ): Promise<string> {
    const [operation] = await this.endpoints.deployModel({
      endpoint,
      deployedModel: { model: m.model, displayName: m.displayName, dedicatedResources: m.dedicatedResources },
      trafficSplit,
    });
    const [response] = await operation.promise();
    const id = (response as protos.google.cloud.aiplatform.v1.IDeployModelResponse).deployedModel?.id ?? 'unknown';
    calls.push({
      call: 'aiplatform.endpoints.deployModel',
      requestId: operation.name ?? 'unknown',
      before: 'undeployed',
      after: `deployed ${id} (${m.displayName})`,
    });
    return id;
  }

  async restore(ref: FindingRef, saved: unknown, calls: CloudCall[]): Promise<void> {
    const deployment = saved as SavedDeployment;
    const name = deployment?.endpoint ?? this.endpointName(ref);
    if (!deployment?.models?.length) throw new ActionRefused('nothing was saved to deploy again');
    const newIds = new Map<string, string>();
    for (const m of deployment.models) {
      // the first model back takes all traffic until the split is restored below
      const trafficSplit = {
        0: newIds.size ? 0 : 100,
        ...Object.fromEntries([...newIds.values()].map((id, i) => [id, i === 0 ? 100 : 0])),
      };
      newIds.set(m.deployedModelId, await this.deploy(name, m, trafficSplit, calls));
    }
    if (deployment.models.length > 1) {
      const trafficSplit = Object.fromEntries(deployment.models.map((m) => [newIds.get(m.deployedModelId)!, m.traffic]));
      await this.endpoints.updateEndpoint({ endpoint: { name, trafficSplit }, updateMask: { paths: ['traffic_split'] } });
      calls.push({
        call: 'aiplatform.endpoints.update',
        requestId: 'traffic_split',
        before: 'new models at 100/0',
        after: JSON.stringify(trafficSplit),
      });
    }
  }
}

/** Traffic shared among the models left, summing to 100 as Vertex AI requires. */
function evenSplit(ids: string[]): Record<string, number> {
  const base = Math.floor(100 / ids.length);
  return Object.fromEntries(ids.map((id, i) => [id, i === 0 ? 100 - base * (ids.length - 1) : base]));
}
