// What Stop and Restore do in a cloud, per kind of resource.
import type { FindingRef } from '../actions/findingRef.ts';

/** One mutating cloud call, for the audit log. */
export interface CloudCall {
  call: string;
  requestId: string;
  before: string;
  after: string;
}

export interface Stopper {
  /** stops the resource; returns what Restore will need; appends each mutating call to `calls` */
  stop(ref: FindingRef, calls: CloudCall[]): Promise<unknown>;
  restore(ref: FindingRef, saved: unknown, calls: CloudCall[]): Promise<void>;
}

/** The resource is not in a state to act on: nothing was changed, and the reason is for the user. */
export class ActionRefused extends Error {
  override name = 'ActionRefused';
}

/** The cloud took the change and undid it (a rolled-back deployment): the reason is for the user as it is. */
export class ChangeUndone extends Error {
  override name = 'ChangeUndone';
}
