// What Resize and its Restore do in a cloud: move one serving variant to another instance type and
// count, and back.
import type { CloudCall } from './stopper.ts';

export interface VariantSize {
  instanceType: string;
  count: number;
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
  /** the variant's autoscaling, registered again after each update */
  scalableTarget?: { MinCapacity: number; MaxCapacity: number; RoleARN?: string };
  policies: Record<string, unknown>[];
}

export interface Resizer {
  /** resizes the variant and waits until the endpoint serves on it; appends each mutating call to `calls` */
  resize(target: ResizeTarget, calls: CloudCall[]): Promise<SavedResize>;
  /** puts the endpoint back on the configuration it ran before the resize */
  restore(saved: SavedResize, calls: CloudCall[]): Promise<void>;
}
