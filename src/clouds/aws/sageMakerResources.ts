// The SageMaker resources that can sit idle: in-service real-time endpoints per production variant
// (DescribeEndpoint for the live count, DescribeEndpointConfig for the type), notebook instances and
// Studio apps on an instance, with their tags.
import {
  type AppDetails,
  DescribeAppCommand,
  DescribeEndpointCommand,
  DescribeEndpointConfigCommand,
  DescribeNotebookInstanceCommand,
  ListTagsCommand,
  paginateListApps,
  paginateListEndpoints,
  paginateListInferenceComponents,
  paginateListNotebookInstances,
  paginateSearch,
  type SageMakerClient,
} from '@aws-sdk/client-sagemaker';
import pLimit from 'p-limit';
import { CostSourceError } from '../costSource.ts';
import { readFailed } from '../readFailure.ts';
import { type NotebookUsage, type StudioAppUsage, studioAppId } from '../utilization.ts';

export interface EndpointVariant {
  endpointName: string;
  endpointArn: string;
  /** the endpoint configuration the endpoint runs */
  endpointConfigName: string;
  variantName: string;
  /** the model the configuration names for the variant (none: it hosts inference components) */
  modelName?: string;
  /** the endpoint's other variants */
  siblingVariants: string[];
  instanceType: string;
  instanceCount: number;
  /** its instances host inference components (the configured variant names no model): calls are counted per component */
  hostsComponents?: boolean;
  /** a serverless variant kept warm by provisioned concurrency (paid for whether called or not) */
  serverless?: { memoryMb: number; provisionedConcurrency: number };
}

/** A failed SageMaker read as a report's note: what to grant when denied, else the API and its error code. */
function denied(error: unknown, action: string): never {
  if ((error as { name?: string }).name === 'AccessDeniedException')
    throw new CostSourceError(`AWS denied ${action}: grant the bot's role sagemaker:${action}`);
  readFailed(error, `SageMaker ${action}`);
}

/** Describe calls in flight at once per region: thousands of endpoints must not mean thousands of sockets. */
export const DESCRIBE_CONCURRENCY = 10;

async function inServiceEndpoints(client: SageMakerClient): Promise<string[]> {
  const names: string[] = [];
  try {
    for await (const page of paginateListEndpoints({ client, pageSize: 100 }, { StatusEquals: 'InService' })) {
      for (const endpoint of page.Endpoints ?? []) names.push(endpoint.EndpointName!);
    }
  } catch (error) {
    denied(error, 'ListEndpoints');
  }
  return names;
}

/** SageMaker's answer for a name it does not know. */
export const isMissingResource = (error: unknown) =>
  (error as { name?: string }).name === 'ValidationException' &&
  /could not find|does not exist|RecordNotFound/i.test((error as Error).message);

/** The variants of every in-service endpoint, or of the named ones that still exist and are in service. */
export async function endpointVariants(
  client: SageMakerClient,
  concurrency = DESCRIBE_CONCURRENCY,
  only?: string[],
): Promise<EndpointVariant[]> {
  const limit = pLimit(concurrency);
  const names = only ?? (await inServiceEndpoints(client));
  const variants = await Promise.all(
    names.map((endpointName) =>
      limit(async () => {
        let endpoint;
        let config;
        try {
          endpoint = await client.send(new DescribeEndpointCommand({ EndpointName: endpointName }));
          if (endpoint.EndpointStatus !== 'InService') return [];
          config = await client.send(new DescribeEndpointConfigCommand({ EndpointConfigName: endpoint.EndpointConfigName }));
        } catch (error) {
          if (only && isMissingResource(error)) return [];
          denied(error, 'DescribeEndpoint');
        }
        const names = (endpoint.ProductionVariants ?? []).map((v) => v.VariantName!);
        return (endpoint.ProductionVariants ?? []).flatMap((variant): EndpointVariant[] => {
          const configured = config.ProductionVariants?.find((v) => v.VariantName === variant.VariantName);
          const shared = {
            endpointName,
            endpointArn: endpoint.EndpointArn!,
            endpointConfigName: endpoint.EndpointConfigName!,
            variantName: variant.VariantName!,
            siblingVariants: names.filter((n) => n !== variant.VariantName),
          };
          const serverless = configured?.ServerlessConfig;
          if (serverless?.ProvisionedConcurrency) {
            return [
              {
                ...shared,
                instanceType: `serverless ${serverless.MemorySizeInMB} MB`,
                instanceCount: serverless.ProvisionedConcurrency,
                serverless: { memoryMb: serverless.MemorySizeInMB!, provisionedConcurrency: serverless.ProvisionedConcurrency },
              },
            ];
          }
          // serverless variants without provisioned concurrency cost nothing while nobody calls them
          if (!configured?.InstanceType) return [];
          return [
            {
              ...shared,
              instanceType: configured.InstanceType,
              instanceCount: variant.CurrentInstanceCount ?? configured.InitialInstanceCount ?? 1,
              ...(configured.ModelName ? { modelName: configured.ModelName } : { hostsComponents: true }),
            },
          ];
        });
      }),
    ),
  );
  return variants.flat();
}

/**
 * The environment of every model's serving container (the primary container, or the first of an
 * inference pipeline), by model name: SageMaker Search over models, a hundred a page, so a fleet
 * of thousands of endpoints costs tens of calls rather than a DescribeModel each.
 */
export async function modelEnvironments(client: SageMakerClient): Promise<Map<string, Record<string, string>>> {
  const environments = new Map<string, Record<string, string>>();
  try {
    for await (const page of paginateSearch({ client, pageSize: 100 }, { Resource: 'Model' })) {
      for (const result of page.Results ?? []) {
        const model = result.Model?.Model;
        if (!model?.ModelName) continue;
        const container = model.PrimaryContainer ?? model.Containers?.[0];
        environments.set(model.ModelName, { ...(container?.Environment ?? {}) });
      }
    }
  } catch (error) {
    denied(error, 'Search');
  }
  return environments;
}

/**
 * The tags of the endpoints that carry `tag` (SageMaker Search over endpoints, filtered on the tag),
 * by endpoint name: one page for what would be a ListTags per endpoint.
 */
export async function endpointsTagged(client: SageMakerClient, tag: string): Promise<Map<string, Record<string, string>>> {
  const tagged = new Map<string, Record<string, string>>();
  try {
    for await (const page of paginateSearch(
      { client, pageSize: 100 },
      { Resource: 'Endpoint', SearchExpression: { Filters: [{ Name: `Tags.${tag}`, Operator: 'Exists' }] } },
    )) {
      for (const result of page.Results ?? []) {
        const endpoint = result.Endpoint;
        if (endpoint?.EndpointName)
          tagged.set(endpoint.EndpointName, Object.fromEntries((endpoint.Tags ?? []).map((t) => [t.Key!, t.Value ?? ''])));
      }
    }
  } catch (error) {
    denied(error, 'Search');
  }
  return tagged;
}

/** The inference components deployed on an endpoint variant's instances, by name. */
export async function inferenceComponents(client: SageMakerClient, endpointName: string, variantName: string): Promise<string[]> {
  const names: string[] = [];
  try {
    for await (const page of paginateListInferenceComponents(
      { client, pageSize: 100 },
      { EndpointNameEquals: endpointName, VariantNameEquals: variantName },
    )) {
      for (const c of page.InferenceComponents ?? []) names.push(c.InferenceComponentName!);
    }
  } catch (error) {
    denied(error, 'ListInferenceComponents');
  }
  return names;
}

/** In-service notebook instances (or the named ones still in service), with their tags. */
export async function notebookInstances(client: SageMakerClient, only?: string[]): Promise<NotebookUsage[]> {
  const found: { name: string; arn: string; instanceType: string; lastModified: Date }[] = [];
  try {
    if (only) {
      for (const name of only) {
        try {
          const n = await client.send(new DescribeNotebookInstanceCommand({ NotebookInstanceName: name }));
          if (n.NotebookInstanceStatus === 'InService')
            found.push({ name, arn: n.NotebookInstanceArn!, instanceType: n.InstanceType!, lastModified: n.LastModifiedTime! });
        } catch (error) {
          if (!isMissingResource(error)) throw error;
        }
      }
    } else {
      for await (const page of paginateListNotebookInstances({ client, pageSize: 100 }, { StatusEquals: 'InService' })) {
        for (const n of page.NotebookInstances ?? [])
          found.push({
            name: n.NotebookInstanceName!,
            arn: n.NotebookInstanceArn!,
            instanceType: n.InstanceType!,
            lastModified: n.LastModifiedTime!,
          });
      }
    }
  } catch (error) {
    denied(error, 'ListNotebookInstances');
  }
  const tags = await resourceTags(
    client,
    found.map((n) => n.arn),
  );
  return found.map((n) => ({
    notebookName: n.name,
    instanceType: n.instanceType,
    lastModified: n.lastModified.toISOString(),
    tags: tags.get(n.arn) ?? {},
  }));
}

/**
 * In-service Studio apps that run on an instance (JupyterLab, KernelGateway, CodeEditor; not the
 * instance-less JupyterServer), or those with the given ids, described for their last user activity.
 */
export async function studioApps(client: SageMakerClient, only?: string[], concurrency = DESCRIBE_CONCURRENCY): Promise<StudioAppUsage[]> {
  const listed: AppDetails[] = [];
  try {
    for await (const page of paginateListApps({ client, pageSize: 100 }, {})) listed.push(...(page.Apps ?? []));
  } catch (error) {
    denied(error, 'ListApps');
  }
  const candidates = listed
    .filter((a) => a.Status === 'InService' && a.ResourceSpec?.InstanceType && a.ResourceSpec.InstanceType !== 'system')
    .map((a) => ({ app: a, owner: a.SpaceName ? { space: a.SpaceName } : { userProfile: a.UserProfileName ?? '' } }))
    .filter(
      ({ app, owner }) =>
        !only || only.includes(studioAppId({ domainId: app.DomainId!, owner, appType: app.AppType!, appName: app.AppName! })),
    );
  const limit = pLimit(concurrency);
  const described = await Promise.all(
    candidates.map(({ app, owner }) =>
      limit(async () => {
        try {
          const d = await client.send(
            new DescribeAppCommand({
              DomainId: app.DomainId,
              AppType: app.AppType,
              AppName: app.AppName,
              ...('space' in owner ? { SpaceName: owner.space } : { UserProfileName: owner.userProfile }),
            }),
          );
          // SageMaker moves LastUserActivityTimestamp on its health checks too: equal to the last health
          // check, it says nothing about a user
          const activity =
            d.LastUserActivityTimestamp && d.LastUserActivityTimestamp.getTime() !== d.LastHealthCheckTimestamp?.getTime()
              ? d.LastUserActivityTimestamp
              : undefined;
          return {
            arn: d.AppArn!,
            usage: {
              domainId: app.DomainId!,
              owner,
              appType: app.AppType!,
              appName: app.AppName!,
              instanceType: app.ResourceSpec!.InstanceType!,
              ...(activity ? { lastUserActivity: activity.toISOString() } : {}),
              createdAt: (d.CreationTime ?? app.CreationTime!).toISOString(),
              resourceSpec: { ...(d.ResourceSpec ?? app.ResourceSpec) } as Record<string, unknown>,
            } satisfies StudioAppUsage,
          };
        } catch (error) {
          denied(error, 'DescribeApp');
        }
      }),
    ),
  );
  const tags = await resourceTags(
    client,
    described.map((d) => d.arn),
    concurrency,
  );
  return described.map((d) => ({ ...d.usage, tags: tags.get(d.arn) ?? {} }));
}

/** The tags of each SageMaker resource (by ARN), at most `concurrency` ListTags calls at once. */
export async function resourceTags(
  client: SageMakerClient,
  arns: string[],
  concurrency = DESCRIBE_CONCURRENCY,
): Promise<Map<string, Record<string, string>>> {
  const limit = pLimit(concurrency);
  return new Map(
    await Promise.all(
      arns.map((arn) =>
        limit(async () => {
          try {
            const { Tags } = await client.send(new ListTagsCommand({ ResourceArn: arn }));
            return [arn, Object.fromEntries((Tags ?? []).map((t) => [t.Key!, t.Value ?? '']))] as const;
          } catch (error) {
            denied(error, 'ListTags');
          }
        }),
      ),
    ),
  );
}
