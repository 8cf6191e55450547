import type { ActionsRegistryService } from '@backstage/backend-plugin-api/alpha';
import { registerCreateModelKey } from './createModelKey';
import { registerDescribePublishedModel } from './describePublishedModel';
import { registerGetMyUsage } from './getMyUsage';
import { registerListPublishedModels } from './listPublishedModels';
import { actionKit, type ModelActionDeps } from './modelAction';
import { registerRequestModelAccess } from './requestModelAccess';

export type { ModelActionDeps } from './modelAction';

/**
 * Registers the actions AI agents call (through the MCP actions backend): list the published models the
 * caller may see, describe one with its guide, request access, create a short-lived key for the caller, and
 * read the caller's usage. Each runs with the caller's credentials and the same permission checks and
 * services as the matching route; each call is an auditor event, and what it changes is audited as the
 * route's change is (audit rows: access.request, key.create / access.issue, denials).
 */
export function registerModelActions(
  registry: ActionsRegistryService,
  deps: ModelActionDeps,
): void {
  const kit = actionKit(deps);
  registerListPublishedModels(registry, kit);
  registerDescribePublishedModel(registry, kit);
  registerRequestModelAccess(registry, kit);
  registerCreateModelKey(registry, kit);
  registerGetMyUsage(registry, kit);
}
