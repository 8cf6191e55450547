import type {
  AuthService,
  DiscoveryService,
  PermissionsService,
  RootConfigService,
} from '@backstage/backend-plugin-api';
import { ModelPublishingClient } from '../client/ModelPublishingClient';
import { createPublishModelAction } from './publish';
import { createUnpublishModelAction } from './unpublish';
import { createUpdatePublicationAction } from './update';
import { createRequestAccessAction } from './requestAccess';
import { withTaskLogErrors } from './taskErrors';

export { createPublishModelAction, PUBLISH_ACTION_ID } from './publish';
export type { ModelPublishingActionOptions } from './publish';
export { createUpdatePublicationAction, UPDATE_ACTION_ID } from './update';
export { createUnpublishModelAction, UNPUBLISH_ACTION_ID } from './unpublish';
export {
  createRequestAccessAction,
  REQUEST_ACCESS_ACTION_ID,
} from './requestAccess';

/** All three actions, wired to the backend through discovery and the initiator's credentials. */
export function createModelPublishingActions(options: {
  auth: AuthService;
  discovery: DiscoveryService;
  config: RootConfigService;
  permissions?: PermissionsService;
  fetch?: typeof fetch;
}) {
  const client = new ModelPublishingClient(options);
  const appBaseUrl = options.config.getString('app.baseUrl');
  const actionOptions = {
    client,
    appBaseUrl,
    permissions: options.permissions,
  };
  // Failures reach the task log as messages for the user, without a stack trace.
  return [
    withTaskLogErrors(createPublishModelAction(actionOptions)),
    withTaskLogErrors(createUpdatePublicationAction(actionOptions)),
    withTaskLogErrors(createUnpublishModelAction(actionOptions)),
    withTaskLogErrors(createRequestAccessAction(actionOptions)),
  ];
}
