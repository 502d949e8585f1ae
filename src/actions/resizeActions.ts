// Resize and its Restore on a rightsizing recommendation, through the approved change: approvers
// only, one click acts, a re-check that the variant still runs the configuration and size it was
// recommended from and that its load over the window ending now still gives the same size, a second
// approver for production, dry-run, the day's cap (approvals.max_resizes_per_day), the audit log.
import { isExcluded, scanWindow } from '../../reports/idleScan/idleFindings.ts';
import { modelContext, type Recommendation, type RightsizingSettings, rightsizeLoads } from '../../reports/rightsizing/recommend.ts';
import { resizerFor } from '../clouds/controls.ts';
import { utilizationSource } from '../clouds/registry.ts';
import { describeSize, type SavedResize, type VariantSize } from '../clouds/resizer.ts';
import { money } from '../present/format.ts';
import type { ApprovalSettings } from '../settings/fileSettings.ts';
import { type ResourceStatus, resourceStatus } from './actionState.ts';
import { type ApprovalContext, ApprovedChanges, type ChangeWords, type Rechecked } from './approvedChange.ts';
import { accountOf, type CloudActionSettings, regionOf } from './cloudActions.ts';
import { type ResizeRef, resizeKey } from './resizeRef.ts';

export interface ResizeActionContext extends ApprovalContext {
  cloud: CloudActionSettings;
  rightsizing: RightsizingSettings;
}

const sameSize = (a: VariantSize, b: VariantSize) => a.instanceType === b.instanceType && a.count === b.count;

const resizeWords = (approvals: ApprovalSettings): ChangeWords => ({
  button: 'Resize',
  past: 'resized',
  acting: 'resizing',
  done: 'resized',
  notDone: 'not-resized',
  cap: { counter: 'resizes', max: approvals.max_resizes_per_day, setting: 'approvals.max_resizes_per_day' },
});

/** What a resize moves, for its confirm dialog ("Resize moves …") and its dry run ("would have moved …"). */
export const resizeEffect = (ref: ResizeRef) =>
  `${ref.endpointName} / ${ref.variantName} from ${describeSize(ref.current)} to ${describeSize(ref.recommended)} by a blue/green update (new instances start, traffic shifts, the old ones stop)`;
export const resizeSaves = (ref: ResizeRef) => `saves ~${money(ref.monthlySaving)} a month`;

/** What a Resize or Restore click came to: the reply for the clicker, and whether this click was the one that acted in the cloud. */
export interface ResizeClick {
  reply?: string;
  acted: boolean;
}

export class ResizeActions extends ApprovedChanges {
  constructor(protected override readonly context: ResizeActionContext) {
    super(context);
  }

  private place(ref: ResizeRef) {
    const account = accountOf(ref, this.context.cloud);
    return { region: regionOf(ref, this.context.cloud), account };
  }

  /** Is the variant still as it was recommended from, and does its load over the window ending now give the same size? */
  private async recheck(ref: ResizeRef): Promise<Rechecked<Recommendation>> {
    const { region, account } = this.place(ref);
    if (!region) return { ok: false, reason: 'no region to look in: set digest.regions (or AWS_REGION)' };
    const { env } = this.context.cloud;
    const source = await utilizationSource({ regions: [region], ...(account ? { accounts: [account] } : {}) }, env);
    const { start, end } = scanWindow(this.context.now());
    const loads = source?.servingLoads
      ? await source.servingLoads(start, end, [{ endpointName: ref.endpointName, variantName: ref.variantName, model: ref.model }])
      : [];
    const load = loads.find((l) => l.endpointName === ref.endpointName && l.variantName === ref.variantName);
    if (!load) return { ok: false, reason: 'the endpoint no longer exists or is not in service' };
    if (load.endpointConfigName !== ref.endpointConfigName)
      return { ok: false, reason: `its configuration changed since the recommendation (now ${load.endpointConfigName})` };
    // what the scan leaves alone, burnrate does not change (the IAM policies say so too)
    if (isExcluded(this.context.cloud.exclusions, [ref.endpointName], load.tags))
      return { ok: false, reason: 'it carries the keep tag or is on scan.allow' };
    const running = { instanceType: load.instanceType, count: load.instanceCount };
    if (!sameSize(running, ref.current))
      return {
        ok: false,
        reason: `${ref.variantName} now runs ${describeSize(running)}, not the ${describeSize(ref.current)} it was recommended from`,
      };
    const { recommendations, notRecommended } = await rightsizeLoads([load], modelContext(env), this.context.rightsizing);
    const now = recommendations[0];
    if (!now) return { ok: false, reason: `it is no longer worth resizing: ${notRecommended[0]?.reason ?? 'no recommendation'}` };
    if (!sameSize(now.recommended, ref.recommended))
      return {
        ok: false,
        reason: `its load changed since the recommendation: it now needs ${describeSize(now.recommended)}, not ${describeSize(ref.recommended)} (${now.evidence.slice(0, 3).join('; ')})`,
      };
    return {
      ok: true,
      checked: now,
      ...(load.tags ? { tags: load.tags } : {}),
      evidence: `still recommended: ${now.evidence.slice(0, 3).join('; ')}`,
    };
  }

  private async resizer(ref: ResizeRef) {
    const { region, account } = this.place(ref);
    const roleArn = account ? (account.stop_role_arn ?? account.role_arn) : undefined;
    return resizerFor({ cloud: 'aws', region: region ?? 'us-east-1', ...(roleArn ? { roleArn } : {}) }, this.context.cloud.env, {
      rollbackAlarms: this.context.cloud.rollbackAlarms ?? [],
      now: () => this.context.now(),
      ...(this.context.cloud.wait ? { wait: this.context.cloud.wait } : {}),
    });
  }

  async resize(user: string, ref: ResizeRef, refresh: () => Promise<void>): Promise<ResizeClick> {
    let acted = false;
    const reply = await this.change(
      user,
      ref.kind,
      {
        action: 'resize',
        ref,
        resource: resizeKey(ref),
        words: resizeWords(this.context.approvals),
        recheck: () => this.recheck(ref),
        wouldHave: () => `Resize would have moved ${resizeEffect(ref)}; it ${resizeSaves(ref)}`,
        prepare: async () => {
          const resizer = await this.resizer(ref);
          return async (calls) => {
            acted = true;
            const saved = await resizer.resize(
              {
                endpointName: ref.endpointName,
                variantName: ref.variantName,
                endpointConfigName: ref.endpointConfigName,
                from: ref.current,
                to: ref.recommended,
              },
              calls,
            );
            return { saved, outcome: `resized to ${describeSize(ref.recommended)} (${saved.toConfig}); ${resizeSaves(ref)}` };
          };
        },
      },
      refresh,
    );
    return { ...(reply ? { reply } : {}), acted };
  }

  async restore(user: string, ref: ResizeRef, refresh: () => Promise<void>): Promise<ResizeClick> {
    let acted = false;
    const reply = await this.undo(
      user,
      ref.kind,
      {
        ref,
        resource: resizeKey(ref),
        words: resizeWords(this.context.approvals),
        act: async (saved, calls) => {
          acted = true;
          await (await this.resizer(ref)).restore(saved as SavedResize, calls);
        },
      },
      refresh,
    );
    return { ...(reply ? { reply } : {}), acted };
  }

  statusOf(resources: string[]): Promise<Map<string, ResourceStatus<ResizeRef>>> {
    return resourceStatus<ResizeRef>(this.context.state, resources);
  }
}
