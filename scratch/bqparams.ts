import { BigQuery } from '@google-cloud/bigquery';
const bq = new BigQuery({ projectId: 'x' });
console.log(JSON.stringify((bq as any).buildQueryParams_({ start: bq.date('2026-10-19'), label: 'team' }, { start: 'DATE', label: 'STRING' })));
