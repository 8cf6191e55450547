import { NotFoundError } from '@backstage/errors';
import type { Publication } from '@model-publishing/plugin-model-publishing-common';
import type { PublicationStore } from './PublicationStore';

/**
 * The model's publication a route acts on: `live` for what needs a serving publication (issuing keys,
 * requesting access), `current` for what outlives it (listing and revoking keys after unpublish). 404
 * naming the model when there is none.
 */
export async function publicationOf(
  publications: Pick<PublicationStore, 'findLive' | 'findCurrent'>,
  model: { cluster: string; namespace: string; name: string },
  which: 'live' | 'current',
): Promise<Publication> {
  const publication =
    which === 'live'
      ? await publications.findLive(model.cluster, model.namespace, model.name)
      : await publications.findCurrent(
          model.cluster,
          model.namespace,
          model.name,
        );
  if (!publication)
    throw new NotFoundError(
      `${model.namespace}/${model.name} is not published`,
    );
  return publication;
}
