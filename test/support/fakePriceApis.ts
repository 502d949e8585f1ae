// Loopback stand-ins for the AWS Price List Query API (JSON 1.1 over POST, reached through
// AWS_ENDPOINT_URL_PRICING) and the Cloud Billing Catalog API (REST, reached through
// GCP_CLOUDBILLING_ENDPOINT), recording each request as the real clients sent it.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

export interface FakeApi {
  url: string;
  requests: RecordedRequest[];
  close(): Promise<void>;
}

async function serve(handler: (req: RecordedRequest) => { status: number; json: unknown }, delayMs = 0): Promise<FakeApi> {
  const requests: RecordedRequest[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      const recorded = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body };
      requests.push(recorded);
      const { status, json } = handler(recorded);
      setTimeout(() => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(json)), delayMs);
    });
  });
  await new Promise<void>((ready) => server.listen(0, '127.0.0.1', () => ready()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    close: () =>
      new Promise<void>((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}

/** One EC2 product as the Price List API returns it (FormatVersion aws_v1), with an on-demand hourly term. */
export function ec2Product(instanceType: string, regionCode: string, usdPerHour: string | null) {
  const sku = `SKU${instanceType.replace(/\W/g, '')}`;
  const terms: Record<string, unknown> = {
    Reserved: {
      [`${sku}.4NA7Y494T4`]: {
        priceDimensions: { [`${sku}.4NA7Y494T4.6YS6EN2CT7`]: { unit: 'Hrs', pricePerUnit: { USD: '1.0000000000' } } },
      },
    },
  };
  if (usdPerHour !== null) {
    terms.OnDemand = {
      [`${sku}.JRTCKXETXF`]: {
        offerTermCode: 'JRTCKXETXF',
        sku,
        effectiveDate: '2026-11-01T00:00:00Z',
        termAttributes: {},
        priceDimensions: {
          [`${sku}.JRTCKXETXF.6YS6EN2CT7`]: {
            unit: 'Hrs',
            beginRange: '0',
            endRange: 'Inf',
            appliesTo: [],
            rateCode: `${sku}.JRTCKXETXF.6YS6EN2CT7`,
            description: `$${usdPerHour} per On Demand Linux ${instanceType} Instance Hour`,
            pricePerUnit: { USD: usdPerHour },
          },
        },
      },
    };
  }
  return JSON.stringify({
    product: {
      productFamily: 'Compute Instance',
      sku,
      attributes: { instanceType, regionCode, operatingSystem: 'Linux', tenancy: 'Shared', servicecode: 'AmazonEC2' },
    },
    serviceCode: 'AmazonEC2',
    terms,
    version: '20261101000000',
    publicationDate: '2026-11-01T00:00:00Z',
  });
}

/**
 * GetProducts: answers with the Reserved-only product on a first page and the on-demand product on
 * a second (NextToken), so only a client that follows pages finds the price.
 */
export function startFakePriceList(prices: Record<string, string>, delayMs = 0): Promise<FakeApi> {
  return serve(({ headers, body }) => {
    if (headers['x-amz-target'] !== 'AWSPriceListService.GetProducts')
      return { status: 400, json: { __type: 'UnknownOperationException' } };
    const request = JSON.parse(body) as { Filters: { Field: string; Value: string }[]; NextToken?: string };
    const filter = (field: string) => request.Filters.find((f) => f.Field === field)?.Value ?? '';
    const instance = filter('instanceType');
    if (!request.NextToken)
      return {
        status: 200,
        json: { FormatVersion: 'aws_v1', PriceList: [ec2Product(instance, filter('regionCode'), null)], NextToken: 'page-2' },
      };
    const price = prices[`${filter('regionCode')}/${instance}`];
    return { status: 200, json: { FormatVersion: 'aws_v1', PriceList: price ? [ec2Product(instance, filter('regionCode'), price)] : [] } };
  }, delayMs);
}

export interface GpuSku {
  description: string;
  usageType: 'OnDemand' | 'Preemptible' | 'Commit1Yr';
  regions: string[];
  units: string;
  nanos: number;
}

function sku(s: GpuSku, i: number) {
  return {
    name: `services/6F81-5844-456A/skus/GPU-${i}`,
    skuId: `GPU-${i}`,
    description: s.description,
    category: { serviceDisplayName: 'Compute Engine', resourceFamily: 'Compute', resourceGroup: 'GPU', usageType: s.usageType },
    serviceRegions: s.regions,
    serviceProviderName: 'Google',
    pricingInfo: [
      {
        effectiveTime: '2026-11-01T00:00:00Z',
        summary: '',
        currencyConversionRate: 1,
        pricingExpression: {
          usageUnit: 'h',
          usageUnitDescription: 'hour',
          baseUnit: 's',
          baseUnitDescription: 'second',
          baseUnitConversionFactor: 3600,
          displayQuantity: 1,
          tieredRates: [{ startUsageAmount: 0, unitPrice: { currencyCode: 'USD', units: s.units, nanos: s.nanos } }],
        },
      },
    ],
  };
}

/** services.skus.list for Compute Engine, two pages (nextPageToken); other services and methods 404. */
export function startFakeCloudCatalog(skus: GpuSku[]): Promise<FakeApi> {
  return serve(({ method, url }) => {
    const parsed = new URL(url, 'http://x');
    if (method !== 'GET' || parsed.pathname !== '/v1/services/6F81-5844-456A/skus')
      return { status: 404, json: { error: { code: 404, message: 'not found', status: 'NOT_FOUND' } } };
    const all = [
      {
        name: 'services/6F81-5844-456A/skus/CPU-1',
        skuId: 'CPU-1',
        description: 'N1 Predefined Instance Core running in Americas',
        category: { resourceGroup: 'N1Standard', usageType: 'OnDemand' },
        serviceRegions: ['us-central1'],
        pricingInfo: [],
      },
      ...skus.map(sku),
    ];
    const half = Math.ceil(all.length / 2);
    return parsed.searchParams.get('pageToken') === 'page-2'
      ? { status: 200, json: { skus: all.slice(half), nextPageToken: '' } }
      : { status: 200, json: { skus: all.slice(0, half), nextPageToken: 'page-2' } };
  });
}
