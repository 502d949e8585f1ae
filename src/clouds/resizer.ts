// What Resize and its Restore do in a cloud: move one serving variant to another instance type and
// count, and back.
import type { CloudCall } from './stopper.ts';

export interface VariantSize {
  instanceType: string;
  count: number;
}

/** 2 × ml.g5.xlarge: how replies, messages and the audit name a size. */
export const describeSize = (s: VariantSize) => `${s.count} × ${s.instanceType}`;

/** SageMaker's limit on an endpoint configuration's name. */
const MAX_CONFIG_NAME = 63;

/** A resize's new configuration name: the current one's, less an earlier resize's suffix, with the time it was made. */
export function resizedConfigName(current: string, now: Date): string {
  const stamp = `-rs${now.toISOString().replace(/\D/g, '').slice(0, 14)}`;
  const base = current.replace(/-rs\d{14}$/, '').slice(0, MAX_CONFIG_NAME - stamp.length);
  return `${base.replace(/-+$/, '')}${stamp}`;
}

/** The variant to resize, as the recommendation saw it, and the size to move it to. */
export interface ResizeTarget {
  endpointName: string;
  variantName: string;
  /** the configuration the endpoint ran when the recommendation was made: a resize refuses if it changed */
  endpointConfigName: string;
  from: VariantSize;
  to: VariantSize;
}

/** What Restore needs, saved by Resize. */
export interface SavedResize {
  endpointName: string;
  variantName: string;
  fromConfig: string;
  toConfig: string;
  from: VariantSize;
  to: VariantSize;
  /** what the provider put aside to act and puts back afterwards (SageMaker: the variant's autoscaling), as it recorded it */
  putAside?: unknown;
}

export interface Resizer {
  /** resizes the variant and waits until the endpoint serves on it; appends each mutating call to `calls` */
  resize(target: ResizeTarget, calls: CloudCall[]): Promise<SavedResize>;
  /** puts the endpoint back on the configuration it ran before the resize */
  restore(saved: SavedResize, calls: CloudCall[]): Promise<void>;
}
