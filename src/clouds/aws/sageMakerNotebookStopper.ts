// Stop and Restore for a SageMaker notebook instance: StopNotebookInstance keeps its ML storage
// volume; Restore starts it again (StartNotebookInstance).
import {
  DescribeNotebookInstanceCommand,
  type SageMakerClient,
  StartNotebookInstanceCommand,
  StopNotebookInstanceCommand,
} from '@aws-sdk/client-sagemaker';
import type { FindingRef } from '../../actions/findingRef.ts';
import { ActionRefused, type CloudCall, type Stopper } from '../stopper.ts';

export class SageMakerNotebookStopper implements Stopper {
  constructor(private readonly sagemaker: SageMakerClient) {}

  async stop(ref: FindingRef, calls: CloudCall[]): Promise<{ notebookName: string }> {
    const notebook = await this.sagemaker.send(new DescribeNotebookInstanceCommand({ NotebookInstanceName: ref.name }));
    if (notebook.NotebookInstanceStatus !== 'InService')
      throw new ActionRefused(`the notebook instance is ${notebook.NotebookInstanceStatus}, not InService`);
    const stopped = await this.sagemaker.send(new StopNotebookInstanceCommand({ NotebookInstanceName: ref.name }));
    calls.push({
      call: 'sagemaker:StopNotebookInstance',
      requestId: stopped.$metadata.requestId ?? 'unknown',
      before: 'InService',
      after: 'Stopping',
    });
    return { notebookName: ref.name };
  }

  async restore(ref: FindingRef, _saved: unknown, calls: CloudCall[]): Promise<void> {
    const started = await this.sagemaker.send(new StartNotebookInstanceCommand({ NotebookInstanceName: ref.name }));
    calls.push({
      call: 'sagemaker:StartNotebookInstance',
      requestId: started.$metadata.requestId ?? 'unknown',
      before: 'Stopped',
      after: 'Pending',
    });
  }
}
