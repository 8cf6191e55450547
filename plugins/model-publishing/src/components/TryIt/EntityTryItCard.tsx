import { useEffect, useState } from 'react';
import { useApi } from '@backstage/core-plugin-api';
import { useEntity } from '@backstage/plugin-catalog-react';
import { InfoCard } from '@backstage/core-components';
import Typography from '@material-ui/core/Typography';
import type { Publication } from '@model-publishing/plugin-model-publishing-common';
import { modelPublishingApiRef } from '../../api/ModelPublishingApi';
import type { ModelAddress } from '../../api/types';
import { TryIt } from './TryIt';

/** On a published model's API entity: `cluster/namespace/name` of the model it publishes. */
export const ANNOTATION_PUBLISHED_MODEL = 'model-publishing/published-model';

export function publishedModelAddress(
  value: string | undefined,
): ModelAddress | undefined {
  const parts = value?.split('/');
  if (!parts || parts.length !== 3 || parts.some(p => !p)) return undefined;
  return { cluster: parts[0], namespace: parts[1], name: parts[2] };
}

/** "Try it" on the API entity page of a published model. The backend checks what the user may do. */
export function EntityTryItCard() {
  const { entity } = useEntity();
  const api = useApi(modelPublishingApiRef);
  const address = publishedModelAddress(
    entity.metadata.annotations?.[ANNOTATION_PUBLISHED_MODEL],
  );
  const [publication, setPublication] = useState<Publication | null>();
  const [error, setError] = useState<string>();
  const key =
    address && `${address.cluster}/${address.namespace}/${address.name}`;

  useEffect(() => {
    if (!key) return undefined;
    const [cluster, namespace, name] = key.split('/');
    let live = true;
    api
      .getModel({ cluster, namespace, name })
      .then(r => live && setPublication(r.publication ?? null))
      .catch(e => live && setError((e as Error).message));
    return () => {
      live = false;
    };
  }, [api, key]);

  if (!address) return null;
  if (error || publication === null) {
    return (
      <InfoCard title="Try it">
        <Typography variant="body2">
          {error ?? 'This model is not published.'}
        </Typography>
      </InfoCard>
    );
  }
  if (!publication) return null;
  return <TryIt address={address} publication={publication} />;
}
