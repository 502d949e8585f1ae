// What a button carries about its finding: enough to name the resource, re-check it and say what
// stopping it saves. The key names the resource in the state store and in the message's block ids.
import { type Finding } from '../../reports/idleScan/idleFindings.ts';
import { FINDING_KINDS, vertexEndpointId } from '../clouds/resourceKinds.ts';

/** id is the instance id, or endpoint/variant; stopEffect feeds the confirm dialog. */
export type FindingRef = Pick<
  Finding,
  'kind' | 'id' | 'name' | 'account' | 'region' | 'instanceType' | 'count' | 'monthlyWaste' | 'spot' | 'partial' | 'noStop' | 'stopEffect'
>;

export function findingRef(f: Finding): FindingRef {
  return {
    kind: f.kind,
    id: f.id,
    name: f.name,
    ...(f.account ? { account: f.account } : {}),
    ...(f.region ? { region: f.region } : {}),
    instanceType: f.instanceType,
    count: f.count,
    monthlyWaste: f.monthlyWaste === null ? null : Math.round(f.monthlyWaste),
    ...(f.spot ? { spot: true } : {}),
    ...(f.partial ? { partial: true } : {}),
    ...(f.noStop ? { noStop: true } : {}),
    stopEffect: f.stopEffect,
  };
}

/** One key per resource: an endpoint is stopped whole, so its variants (deployed models) share the endpoint's key. */
export function resourceKey(ref: Pick<FindingRef, 'kind' | 'id' | 'name' | 'account' | 'region'>): string {
  const resource = ref.kind === 'sagemaker-endpoint' ? ref.name : ref.kind === 'vertex-endpoint' ? vertexEndpointId(ref) : ref.id;
  return `${ref.kind}:${ref.account ? `${ref.account}/` : ''}${ref.region ?? '-'}:${resource}`;
}

/** The ref in a button's value, or undefined when the value is not one burnrate wrote. */
export function parseFindingRef(value: string | undefined): FindingRef | undefined {
  try {
    const ref = JSON.parse(value ?? '') as Partial<FindingRef>;
    const valid =
      (FINDING_KINDS as readonly string[]).includes(String(ref.kind)) &&
      typeof ref.id === 'string' &&
      typeof ref.name === 'string' &&
      typeof ref.instanceType === 'string' &&
      typeof ref.count === 'number' &&
      typeof ref.stopEffect === 'string' &&
      (ref.monthlyWaste === null || typeof ref.monthlyWaste === 'number') &&
      (ref.region === undefined || typeof ref.region === 'string') &&
      (ref.account === undefined || typeof ref.account === 'string');
    return valid ? (ref as FindingRef) : undefined;
  } catch {
    return undefined;
  }
}
