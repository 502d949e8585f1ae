// Stop and Restore for a SageMaker Studio app: DeleteApp keeps the space's storage; Restore
// creates the app again in the same space (or user profile) with the ResourceSpec it had.
import {
  type AppType,
  CreateAppCommand,
  DeleteAppCommand,
  DescribeAppCommand,
  type ResourceSpec,
  type SageMakerClient,
} from '@aws-sdk/client-sagemaker';
import type { FindingRef } from '../../actions/findingRef.ts';
import { ActionRefused, type CloudCall, type Stopper } from '../stopper.ts';

export interface SavedStudioApp {
  DomainId: string;
  AppType: AppType;
  AppName: string;
  SpaceName?: string;
  UserProfileName?: string;
  ResourceSpec: ResourceSpec;
}

/** The app's address from its id (studioAppId): domain/space:NAME or user:NAME/type/name. */
function address(ref: FindingRef): {
  DomainId: string;
  who: { SpaceName: string } | { UserProfileName: string };
  AppType: AppType;
  AppName: string;
} {
  const [DomainId, owner, appType, AppName] = ref.id.split('/') as [string, string, string, string];
  const who = owner.startsWith('space:') ? { SpaceName: owner.slice('space:'.length) } : { UserProfileName: owner.slice('user:'.length) };
  return { DomainId, who, AppType: appType as AppType, AppName };
}

export class SageMakerStudioAppStopper implements Stopper {
  constructor(private readonly sagemaker: SageMakerClient) {}

  async stop(ref: FindingRef, calls: CloudCall[]): Promise<SavedStudioApp> {
    const { DomainId, who, AppType, AppName } = address(ref);
    const app = await this.sagemaker.send(new DescribeAppCommand({ DomainId, AppType, AppName, ...who }));
    if (app.Status !== 'InService') throw new ActionRefused(`the Studio app is ${app.Status}, not InService`);
    const saved: SavedStudioApp = { DomainId, AppType, AppName, ...who, ResourceSpec: app.ResourceSpec ?? {} };
    const deleted = await this.sagemaker.send(new DeleteAppCommand({ DomainId, AppType, AppName, ...who }));
    calls.push({
      call: 'sagemaker:DeleteApp',
      requestId: deleted.$metadata.requestId ?? 'unknown',
      before: 'InService',
      after: 'Deleting',
    });
    return saved;
  }

  async restore(_ref: FindingRef, savedValue: unknown, calls: CloudCall[]): Promise<void> {
    const saved = savedValue as SavedStudioApp;
    const created = await this.sagemaker.send(new CreateAppCommand({ ...saved }));
    calls.push({ call: 'sagemaker:CreateApp', requestId: created.$metadata.requestId ?? 'unknown', before: 'Deleted', after: 'Pending' });
  }
}
