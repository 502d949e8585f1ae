// The GCP clients for billing and prices: BigQuery for the billing export table
// (BIGQUERY_EMULATOR_HOST points it elsewhere), Cloud Billing for which accounts and projects the
// digest covers (GCP_CLOUDBILLING_ENDPOINT), and the Cloud Catalog for live GPU prices. Imported
// lazily in their place, as gcpClients.ts is.
import { BigQuery } from '@google-cloud/bigquery';
import { CloudBillingClient, CloudCatalogClient } from '@google-cloud/billing';
import { googleRestOptions } from './googleClientOptions.ts';

export function bigQueryClient(projectId: string): BigQuery {
  return new BigQuery({ projectId });
}

export function billingClient(env: NodeJS.ProcessEnv): CloudBillingClient {
  return new CloudBillingClient(googleRestOptions(env.GCP_CLOUDBILLING_ENDPOINT) as ConstructorParameters<typeof CloudBillingClient>[0]);
}

export function catalogClient(endpoint: string | undefined): CloudCatalogClient {
  return new CloudCatalogClient(googleRestOptions(endpoint) as ConstructorParameters<typeof CloudCatalogClient>[0]);
}
