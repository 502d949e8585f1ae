// Who may press Stop and Restore: the user IDs in approvals.approvers and the members of the user
// groups in approvals.approver_groups, read with usergroups.users.list and cached for minutes.
import type { WebClient } from '@slack/web-api';
import type { ApprovalSettings } from '../settings/fileSettings.ts';

export class Approvers {
  private readonly groups = new Map<string, { members: Set<string>; until: number }>();

  constructor(
    private readonly settings: Pick<ApprovalSettings, 'approvers' | 'approver_groups' | 'group_cache_seconds'>,
    private readonly client: Pick<WebClient, 'usergroups'>,
  ) {}

  async includes(user: string, nowMs = Date.now()): Promise<boolean> {
    if (this.settings.approvers.includes(user)) return true;
    for (const group of this.settings.approver_groups) {
      if ((await this.members(group, nowMs)).has(user)) return true;
    }
    return false;
  }

  private async members(group: string, nowMs: number): Promise<Set<string>> {
    const cached = this.groups.get(group);
    if (cached && cached.until > nowMs) return cached.members;
    let answer;
    try {
      answer = await this.client.usergroups.users.list({ usergroup: group });
    } catch (error) {
      const code = (error as { data?: { error?: string } }).data?.error ?? (error as Error).message;
      const hint =
        code === 'missing_scope'
          ? '; add the usergroups:read scope and reinstall the app'
          : code === 'no_such_subteam'
            ? '; check approvals.approver_groups'
            : '';
      throw new Error(`Slack answered ${code} for user group ${group}${hint}`);
    }
    const members = new Set(answer.users ?? []);
    this.groups.set(group, { members, until: nowMs + this.settings.group_cache_seconds * 1000 });
    return members;
  }

  /** Who they are, as Slack mentions: "<@U1>, <!subteam^S1>"; or how to name some. */
  describe(): string {
    const names = [...this.settings.approvers.map((u) => `<@${u}>`), ...this.settings.approver_groups.map((g) => `<!subteam^${g}>`)];
    return names.length
      ? names.join(', ')
      : 'none are configured yet (set approvals.approvers or approvals.approver_groups in the config file)';
  }
}
