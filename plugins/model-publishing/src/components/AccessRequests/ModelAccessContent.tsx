import { useCallback, useEffect, useState } from 'react';
import Card from '@material-ui/core/Card';
import CardContent from '@material-ui/core/CardContent';
import CardHeader from '@material-ui/core/CardHeader';
import Grid from '@material-ui/core/Grid';
import Alert from '@material-ui/lab/Alert';
import { Link } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { useEntity } from '@backstage/plugin-catalog-react';
import { stringifyEntityRef } from '@backstage/catalog-model';
import type { MyAccess } from '@model-publishing/plugin-model-publishing-common';
import { modelAccessApiRef } from '../../api/ModelAccessApi';
import { modelAddressFromEntity } from '../../api/modelAddress';
import { ConnectToolCard } from '../ConnectToolCard/ConnectToolCard';
import { OwnerAccessPanel } from './OwnerAccessPanel';
import { MyKeysTable, MyRequestsTable } from './MyKeysTable';
import { RequestAccessForm } from './RequestAccessForm';
import { useCollectKey } from './useCollectKey';
import { useTranslationRef } from '@backstage/frontend-plugin-api';
import { modelPublishingTranslationRef } from '../../translation';

/**
 * The model's Access tab: the caller's own access to this model and the request form; for owners
 * (model-publishing.access.approve) the pending requests and every consumer.
 */
export function ModelAccessContent() {
  const { t } = useTranslationRef(modelPublishingTranslationRef);
  const { entity } = useEntity();
  const entityRef = stringifyEntityRef(entity);
  const address = modelAddressFromEntity(entity);
  const api = useApi(modelAccessApiRef);
  const [mine, setMine] = useState<MyAccess>();
  // Bumped when the caller's own access changed, so the owners' lists (their own request) follow.
  const [changes, setChanges] = useState(0);
  const [error, setError] = useState<string>();
  const load = useCallback(() => {
    api.getMyModelAccess(entityRef).then(setMine, e => setError(e.message));
  }, [api, entityRef]);
  useEffect(load, [load]);
  const reloadAll = useCallback(() => {
    load();
    setChanges(n => n + 1);
  }, [load]);
  const { collect, dialog, error: collectError } = useCollectKey(reloadAll);

  return (
    <Grid container spacing={3}>
      {(error || collectError) && (
        <Grid item xs={12}>
          <Alert severity="error" role="alert">
            {error ?? collectError}
          </Alert>
        </Grid>
      )}
      <Grid item xs={12}>
        <OwnerAccessPanel
          entityRef={entityRef}
          refreshKey={changes}
          onChanged={load}
        />
      </Grid>
      {mine && (mine.keys.length > 0 || mine.requests.length > 0) && (
        <>
          <Grid item xs={12}>
            <MyKeysTable
              title={t('access.myKeysToThisModel')}
              keys={mine.keys}
              onChanged={load}
            />
          </Grid>
          <Grid item xs={12}>
            <MyRequestsTable requests={mine.requests} onCollect={collect} />
          </Grid>
        </>
      )}
      <Grid item xs={12} md={8}>
        <Card>
          <CardHeader
            title={t('access.requestAccess')}
            subheader={
              <Link to="/model-access">{t('access.allMyModelAccess')}</Link>
            }
          />
          <CardContent>
            <RequestAccessForm entityRef={entityRef} onRequested={reloadAll} />
          </CardContent>
        </Card>
      </Grid>
      {address && (
        <Grid item xs={12}>
          <ConnectToolCard address={address} />
        </Grid>
      )}
      {dialog}
    </Grid>
  );
}
