// The member-account template (deploy/member-account.yml): two roles the bot's worker assumes,
// one only reading, one only stopping and restoring what carries no keep tag.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { load } from 'js-yaml';
import { describe, expect, it } from 'vitest';

interface Statement {
  Action: string[] | string;
  Condition?: unknown;
}
const template = load(readFileSync(join(__dirname, '..', 'deploy', 'member-account.yml'), 'utf8')) as {
  Resources: Record<
    string,
    {
      Type: string;
      Properties: {
        RoleName: string;
        AssumeRolePolicyDocument: { Statement: { Principal: unknown }[] };
        Policies: { PolicyDocument: { Statement: Statement[] } }[];
      };
    }
  >;
};
const role = (name: string) => template.Resources[name]!.Properties;
const actions = (name: string) =>
  role(name)
    .Policies.flatMap((p) => p.PolicyDocument.Statement)
    .flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action]));
const reads = (action: string) => /^[a-z0-9-]+:(Describe|List|Get|Search)/.test(action);

describe('the member-account template', () => {
  it("creates the read and stop roles the bot's config names, trusting only the bot's worker role", () => {
    expect([role('ReadRole').RoleName, role('StopRole').RoleName]).toEqual(['burnrate-read', 'burnrate-stop']);
    for (const name of ['ReadRole', 'StopRole']) {
      expect(role(name).AssumeRolePolicyDocument.Statement.map((s) => s.Principal)).toEqual([{ AWS: { Ref: 'BotRoleArn' } }]);
    }
  });

  it('lets the read role only read, and the stop role change only what carries no keep tag', () => {
    for (const action of [...actions('ReadRole'), ...actions('StopRole')]) expect(action).not.toContain('*');
    expect(actions('ReadRole').filter((a) => !reads(a))).toEqual([]);
    const changing = role('StopRole')
      .Policies.flatMap((p) => p.PolicyDocument.Statement)
      .filter((s) => (s.Action as string[]).some((a) => /^(ec2|sagemaker):/.test(a) && !reads(a)));
    expect(changing).toHaveLength(1);
    expect(changing[0]!.Condition).toEqual({ StringNotEquals: { 'aws:ResourceTag/burnrate:keep': 'true' } });
  });
});
