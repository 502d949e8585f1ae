// On-demand Linux prices from the AWS Price List Query API (GetProducts on AmazonEC2). The SDK
// resolves credentials and the endpoint the standard way (AWS_ENDPOINT_URL_PRICING for tests).
import { type PricingClient, paginateGetProducts } from '@aws-sdk/client-pricing';

interface PriceDimension {
  unit?: string;
  pricePerUnit?: { USD?: string };
}
interface PriceListProduct {
  product?: { attributes?: Record<string, string> };
  terms?: { OnDemand?: Record<string, { priceDimensions?: Record<string, PriceDimension> }> };
}

/** Shared-tenancy Linux without pre-installed software or license: the price the catalog lists. */
function filters(instanceType: string, region: string) {
  return [
    ['instanceType', instanceType],
    ['regionCode', region],
    ['operatingSystem', 'Linux'],
    ['tenancy', 'Shared'],
    ['preInstalledSw', 'NA'],
    ['capacitystatus', 'Used'],
    ['licenseModel', 'No License required'],
  ].map(([Field, Value]) => ({ Type: 'TERM_MATCH' as const, Field: Field!, Value: Value! }));
}

/** The on-demand $/hour of one instance type in one region, or undefined when AWS lists none. */
export async function awsOnDemandHourly(client: PricingClient, instanceType: string, region: string): Promise<number | undefined> {
  const hourly: number[] = [];
  for await (const page of paginateGetProducts(
    { client },
    { ServiceCode: 'AmazonEC2', FormatVersion: 'aws_v1', Filters: filters(instanceType, region) },
  )) {
    for (const entry of page.PriceList ?? []) {
      const product = JSON.parse(entry) as PriceListProduct;
      for (const term of Object.values(product.terms?.OnDemand ?? {})) {
        for (const dimension of Object.values(term.priceDimensions ?? {})) {
          const usd = Number(dimension.pricePerUnit?.USD);
          if (dimension.unit === 'Hrs' && usd > 0) hourly.push(usd);
        }
      }
    }
  }
  // one product should match; if several do, the lowest is the plain Linux price
  return hourly.length ? Math.min(...hourly) : undefined;
}
