// What a Resize button carries about its recommendation: enough to name the variant, re-check it
// (the configuration it ran, the model its container names, the size recommended) and say what it
// saves. The key names it in the state store and in the message's block ids.
import type { Recommendation } from '../../reports/rightsizing/recommend.ts';
import type { VariantSize } from '../clouds/resizer.ts';
import type { ServedModel } from '../clouds/servingLoad.ts';

export interface ResizeRef {
  kind: 'sagemaker-endpoint';
  endpointName: string;
  variantName: string;
  account?: string;
  region?: string;
  endpointConfigName: string;
  current: VariantSize;
  recommended: VariantSize;
  /** dollars a month, rounded */
  monthlySaving: number;
  model: ServedModel;
}

/** The ref of a recommendation Resize can apply (a SageMaker variant whose model is known), else undefined. */
export function resizeRef(r: Recommendation): ResizeRef | undefined {
  if (r.kind !== 'sagemaker-endpoint' || !r.endpointName || !r.variantName || !r.endpointConfigName || !r.served) return undefined;
  return {
    kind: 'sagemaker-endpoint',
    endpointName: r.endpointName,
    variantName: r.variantName,
    ...(r.account ? { account: r.account } : {}),
    ...(r.region ? { region: r.region } : {}),
    endpointConfigName: r.endpointConfigName,
    current: { instanceType: r.current.instanceType, count: r.current.count },
    recommended: { instanceType: r.recommended.instanceType, count: r.recommended.count },
    monthlySaving: Math.round(r.monthlySaving),
    model: r.served,
  };
}

/**
 * One key per variant and configuration it was recommended from: a Resize record lives apart from its
 * endpoint's Stop record, and once a variant runs a new configuration, a recommendation from that one
 * may be applied in turn (the earlier Restore stays with the earlier record).
 */
export const resizeKey = (ref: Pick<ResizeRef, 'endpointName' | 'variantName' | 'endpointConfigName' | 'account' | 'region'>) =>
  `resize:sagemaker-endpoint:${ref.account ? `${ref.account}/` : ''}${ref.region ?? '-'}:${ref.endpointName}/${ref.variantName}@${ref.endpointConfigName}`;

const isSize = (s: unknown): s is VariantSize =>
  typeof s === 'object' && s !== null && typeof (s as VariantSize).instanceType === 'string' && Number.isInteger((s as VariantSize).count);

/** The ref in a button's value, or undefined when the value is not one burnrate wrote. */
export function parseResizeRef(value: string | undefined): ResizeRef | undefined {
  try {
    const ref = JSON.parse(value ?? '') as Partial<ResizeRef>;
    const valid =
      ref.kind === 'sagemaker-endpoint' &&
      typeof ref.endpointName === 'string' &&
      typeof ref.variantName === 'string' &&
      typeof ref.endpointConfigName === 'string' &&
      isSize(ref.current) &&
      isSize(ref.recommended) &&
      typeof ref.monthlySaving === 'number' &&
      typeof ref.model?.id === 'string' &&
      (ref.region === undefined || typeof ref.region === 'string') &&
      (ref.account === undefined || typeof ref.account === 'string');
    return valid ? (ref as ResizeRef) : undefined;
  } catch {
    return undefined;
  }
}
