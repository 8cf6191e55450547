import type { BackstageCredentials } from '@backstage/backend-plugin-api';
import {
  CompoundEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { NotFoundError } from '@backstage/errors';
import type { Publication } from '@model-publishing/plugin-model-publishing-common';
import type { ModelPublishingClient } from '../client/ModelPublishingClient';

/** True for a publication that exists and can be changed (not removed). */
function isLive(
  publication: Publication | undefined,
): publication is Publication {
  return (
    !!publication &&
    publication.status !== 'unpublished' &&
    publication.status !== 'unpublishing'
  );
}

/**
 * The model's publication, read as the initiator, for an action that changes or removes it; a
 * NotFoundError naming the model and what to do when it is not (or no longer) published.
 */
export async function requireLivePublication(
  client: Pick<ModelPublishingClient, 'getModel'>,
  credentials: BackstageCredentials,
  ref: CompoundEntityRef,
  verb: 'update' | 'unpublish',
): Promise<Publication> {
  const { publication } = await client.getModel(credentials, ref);
  if (!isLive(publication)) {
    throw new NotFoundError(
      `${stringifyEntityRef(
        ref,
      )} is not published, so there is nothing to ${verb}: check entityRef, or publish the model first with model-publishing:publish`,
    );
  }
  return publication;
}
