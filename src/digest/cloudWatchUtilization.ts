// GPU utilization of EC2 GPU and accelerator instances from CloudWatch: the instances from
// DescribeInstances (p*, g*, inf*, trn*), then nvidia_smi_utilization_gpu from the CloudWatch agent
// (CWAgent) in GetMetricData batches, taking each hour's maximum over the machine's GPUs.
import { type CloudWatchClient, GetMetricDataCommand, type MetricDataQuery } from '@aws-sdk/client-cloudwatch';
import { type EC2Client, paginateDescribeInstances } from '@aws-sdk/client-ec2';
import { CostSourceError } from './costData.ts';
import { type GpuInstanceUsage, summarizeHourly, type UtilizationSource } from './gpuUtilization.ts';

/** GetMetricData takes at most 500 queries a request. */
export const QUERIES_PER_REQUEST = 500;
const HOUR = 3600;

export function gpuUtilizationExpression(instanceId: string): string {
  // SEARCH matches every GPU's series of the instance (dimensions index, name, arch…); MAX takes
  // the busiest one at each timestamp
  return `MAX(SEARCH('{CWAgent} MetricName="nvidia_smi_utilization_gpu" InstanceId="${instanceId}"', 'Average', ${HOUR}))`;
}

export class CloudWatchUtilization implements UtilizationSource {
  readonly name = 'CloudWatch';

  constructor(private readonly ec2: EC2Client, private readonly cloudwatch: CloudWatchClient) {}

  private async instances(): Promise<{ instanceId: string; instanceType: string; name?: string }[]> {
    const found: { instanceId: string; instanceType: string; name?: string }[] = [];
    const pages = paginateDescribeInstances({ client: this.ec2 }, {
      Filters: [
        { Name: 'instance-type', Values: ['p*', 'g*', 'inf*', 'trn*'] },
        { Name: 'instance-state-name', Values: ['running', 'stopping', 'stopped'] },
      ],
    });
    try {
      for await (const page of pages) {
        for (const reservation of page.Reservations ?? []) {
          for (const instance of reservation.Instances ?? []) {
            const name = instance.Tags?.find((t) => t.Key === 'Name')?.Value;
            found.push({ instanceId: instance.InstanceId!, instanceType: instance.InstanceType!, ...(name ? { name } : {}) });
          }
        }
      }
    } catch (error) {
      const code = (error as { name?: string }).name;
      if (code === 'UnauthorizedOperation') throw new CostSourceError('AWS denied DescribeInstances: grant the bot\'s role ec2:DescribeInstances');
      throw error;
    }
    return found;
  }

  async gpuInstances(start: string, end: string): Promise<GpuInstanceUsage[]> {
    const instances = await this.instances();
    const values = new Map<string, number[]>();
    for (let i = 0; i < instances.length; i += QUERIES_PER_REQUEST) {
      const batch = instances.slice(i, i + QUERIES_PER_REQUEST);
      const queries: MetricDataQuery[] = batch.map((instance, j) => ({
        Id: `gpu${i + j}`, Expression: gpuUtilizationExpression(instance.instanceId), Period: HOUR, ReturnData: true,
      }));
      let token: string | undefined;
      do {
        let page;
        try {
          page = await this.cloudwatch.send(new GetMetricDataCommand({
            MetricDataQueries: queries, StartTime: new Date(`${start}T00:00:00Z`), EndTime: new Date(`${end}T00:00:00Z`), NextToken: token,
          }));
        } catch (error) {
          if ((error as { name?: string }).name === 'AccessDenied') throw new CostSourceError('AWS denied GetMetricData: grant the bot\'s role cloudwatch:GetMetricData');
          throw error;
        }
        for (const result of page.MetricDataResults ?? []) values.set(result.Id!, [...(values.get(result.Id!) ?? []), ...(result.Values ?? [])]);
        token = page.NextToken || undefined;
      } while (token);
    }
    return instances.map((instance, k) => ({ ...instance, ...summarizeHourly(values.get(`gpu${k}`) ?? []) }));
  }
}
