// The kinds of cloud resource burnrate reads and can act on, and the choices a provider's Stop has:
// the names findings, settings, buttons and stoppers share.

export const FINDING_KINDS = [
  'sagemaker-endpoint',
  'ec2-gpu-instance',
  'sagemaker-notebook',
  'sagemaker-studio-app',
  'gce-gpu-instance',
  'vertex-endpoint',
] as const;
export type FindingKind = (typeof FINDING_KINDS)[number];

/** What Stop does to a GCE VM's local SSDs (approvals.gce_local_ssd): not stop such a VM, wipe them, or keep them (and their charge). */
export const LOCAL_SSD_POLICIES = ['refuse', 'discard', 'preserve'] as const;
export type LocalSsdPolicy = (typeof LOCAL_SSD_POLICIES)[number];

/** A Vertex AI resource's endpoint id: a Vertex finding's id is endpoint/deployed model. */
export const vertexEndpointId = (ref: { id: string }) => ref.id.split('/')[0]!;
