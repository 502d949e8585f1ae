import type { CommandContext } from '../../commands/command.ts';
import { bundledCatalogs } from '../../src/catalogs/catalogs.ts';
import { HubError } from '../../src/hub/hubModel.ts';

/** The bundled catalogs and a hub that is offline, as on a machine with no network. */
export function offlineContext(): CommandContext {
  return {
    catalogs: bundledCatalogs(),
    hub: {
      fetchModel: async (repo) => {
        throw new HubError(`cannot reach the Hugging Face Hub for ${repo}; offline?`);
      },
    },
  };
}
