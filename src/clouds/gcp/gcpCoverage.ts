// Which GCP billing accounts the digest covers: the accounts and projects the bot can see
// (Cloud Billing API), against the one account whose export table is configured.
import type { CloudBillingClient } from '@google-cloud/billing';

export interface BillingAccountCoverage {
  id: string;
  name: string;
  projects: number;
  covered: boolean;
}

/** 012345_6789AB_CDEF01 in the export table's name is billing account 012345-6789AB-CDEF01 */
export function exportedAccount(table: string): string {
  return table.split('.')[2]!.replace('gcp_billing_export_v1_', '').replaceAll('_', '-');
}

export async function billingCoverage(client: CloudBillingClient, table: string): Promise<BillingAccountCoverage[]> {
  const exported = exportedAccount(table);
  const accounts: BillingAccountCoverage[] = [];
  for await (const account of client.listBillingAccountsAsync({}, { autoPaginate: false })) {
    if (account.open === false) continue;
    const id = account.name!.replace('billingAccounts/', '');
    let projects = 0;
    for await (const project of client.listProjectBillingInfoAsync({ name: account.name! }, { autoPaginate: false }))
      if (project.billingEnabled !== false) projects++;
    accounts.push({ id, name: account.displayName ?? id, projects, covered: id === exported });
  }
  return accounts;
}

/** One line for the digest's notes. */
export function coverageNote(accounts: BillingAccountCoverage[], table: string): string {
  const covered = accounts.filter((a) => a.covered);
  const missing = accounts.filter((a) => !a.covered);
  const describe = (a: BillingAccountCoverage) => `"${a.name}" (${a.projects} project${a.projects === 1 ? '' : 's'})`;
  const head = covered.length
    ? `GCP coverage: billing account ${covered.map(describe).join(', ')} is in this digest`
    : `GCP coverage: the bot cannot see billing account ${exportedAccount(table)}, whose export it reads`;
  return missing.length ? `${head}; not covered: ${missing.map(describe).join(', ')} (no export table configured)` : head;
}
