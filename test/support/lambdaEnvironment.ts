// The environment the Lambda functions see in tests: AWS and Slack behind loopback fakes, state in
// a dynalite table the test makes (the deployment declares it), secrets in the fake SSM.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoStateStore } from '../../src/state/dynamoStateStore.ts';

export interface LambdaFakes {
  dynamoUrl: string;
  queueUrl: string;
  slackApiUrl: string;
  awsUrl: string;
}

/** Sets process.env as a deployed function has it, and makes the state table. */
export async function useLambdaEnvironment(fakes: LambdaFakes, table: string, config: string): Promise<void> {
  Object.assign(process.env, {
    AWS_ACCESS_KEY_ID: 'AKIDBURNRATETEST',
    AWS_SECRET_ACCESS_KEY: 'secret',
    AWS_REGION: 'us-east-1',
    AWS_ENDPOINT_URL_DYNAMODB: fakes.dynamoUrl,
    AWS_ENDPOINT_URL_SQS: fakes.queueUrl,
    AWS_ENDPOINT_URL_SSM: fakes.queueUrl,
    AWS_ENDPOINT_URL_EC2: fakes.awsUrl,
    AWS_ENDPOINT_URL_CLOUDWATCH: fakes.awsUrl,
    AWS_ENDPOINT_URL_SAGEMAKER: fakes.awsUrl,
    AWS_ENDPOINT_URL_APPLICATION_AUTO_SCALING: fakes.awsUrl,
    // the SQS client sends to the queue URL's own host, as queue URLs are in AWS
    BURNRATE_STATE_TABLE: table,
    BURNRATE_SSM_PREFIX: '/burnrate/test',
    BURNRATE_QUEUE_URL: `${fakes.queueUrl}/123456789012/burnrate-work`,
    BURNRATE_CONFIG: config,
    SLACK_API_URL: fakes.slackApiUrl,
    SLACK_BOT_ID: 'BBURNRATE1',
    SLACK_BOT_USER_ID: 'UBURNRATE1',
  });
  const store = new DynamoStateStore(new DynamoDBClient({ endpoint: fakes.dynamoUrl, region: 'us-east-1' }), table);
  await store.ensureTable();
  await store.close();
}
