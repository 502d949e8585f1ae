import { idleFindings } from '../src/scan/idleFindings.ts';
import { scanAsPlan } from '../src/scan/scanJob.ts';
import { bundledCatalogs } from '../src/catalogs/catalogs.ts';
const instance = (over: any) => ({ instanceId: 'i-1', instanceType: 'g5.12xlarge', hours: 168, averagePercent: 1, maximumPercent: 3, ...over });
const variant = (over: any) => ({ endpointName: 'e', variantName: 'v', instanceType: 'ml.g5.xlarge', instanceCount: 1, invocations: 0, gpuAveragePercent: 0, ...over });
const r = idleFindings({ instances: [instance({ instanceId: 'i-keep', tags: { 'burnrate:keep': 'true' } }), instance({ instanceId: 'i-listed', name: 'shared-box' }), instance({ instanceId: 'i-idle' })], endpoints: [variant({ endpointName: 'kept-endpoint', tags: { 'burnrate:keep': 'true' } })] }, bundledCatalogs().prices, undefined, { keepTag: { key: 'burnrate:keep', value: 'true' }, allow: ['shared-box'] });
console.log(scanAsPlan(r, [], { start: 'a', end: '2026-11-23' }, false).assumptions);
