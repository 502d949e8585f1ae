/** project.dataset.gcp_billing_export_v1_<billing account id, with underscores>: the standard usage cost export */
export const BILLING_TABLE =
  /^[a-z][a-z0-9-]{4,28}[a-z0-9]\.[A-Za-z0-9_]{1,1024}\.gcp_billing_export_v1_[0-9A-F]{6}_[0-9A-F]{6}_[0-9A-F]{6}$/;
