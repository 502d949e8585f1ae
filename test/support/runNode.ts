import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

export interface Finished {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a Node script to its end and returns its exit code and output, whatever the code. */
export async function runNode(script: string, args: string[], env: NodeJS.ProcessEnv, timeoutMs = 15_000): Promise<Finished> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [script, ...args], { env, timeout: timeoutMs });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}
