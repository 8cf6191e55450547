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
import type {
  AccessRequest,
  ConsumerKey,
  MyAccess,
  Plan,
} from '@model-publishing/plugin-model-publishing-common';
import { modelAccessApiRef } from '../../api/ModelAccessApi';
import { modelAddressFromEntity } from '../../api/modelAddress';
import { ConnectToolCard } from '../ConnectToolCard/ConnectToolCard';
import { AccessRequestsTable } from './AccessRequestsTable';
import { ConsumersTable } from './ConsumersTable';
import { MyKeysTable, MyRequestsTable } from './MyKeysTable';
import { RequestAccessForm } from './RequestAccessForm';
import { useCollectKey } from './useCollectKey';

/**
 * The model's Access tab: the caller's own access to this model and the request form; for owners (the
 * backend answers their lists, and 403 to anyone else) the pending requests and every consumer.
 */
export function ModelAccessContent() {
  const { entity } = useEntity();
  const entityRef = stringifyEntityRef(entity);
  const address = modelAddressFromEntity(entity);
  const api = useApi(modelAccessApiRef);
  const [mine, setMine] = useState<MyAccess>();
  const [owner, setOwner] = useState<{
    requests: AccessRequest[];
    consumers: ConsumerKey[];
    plans: Plan[];
  }>();
  const [error, setError] = useState<string>();
  const load = useCallback(() => {
    api.getMyModelAccess(entityRef).then(setMine, e => setError(e.message));
    Promise.all([
      api.listAccessRequests(entityRef),
      api.listConsumers(entityRef),
      api.listPlans(entityRef),
    ]).then(
      ([requests, consumers, plans]) =>
        setOwner({
          requests: requests.filter(r => r.status === 'pending'),
          consumers,
          plans,
        }),
      () => setOwner(undefined),
    );
  }, [api, entityRef]);
  useEffect(load, [load]);
  const { collect, dialog, error: collectError } = useCollectKey(load);

  return (
    <Grid container spacing={3}>
      {(error || collectError) && (
        <Grid item xs={12}>
          <Alert severity="error" role="alert">
            {error ?? collectError}
          </Alert>
        </Grid>
      )}
      {owner && (
        <>
          <Grid item xs={12}>
            <AccessRequestsTable
              requests={owner.requests}
              plans={owner.plans}
              onDecided={load}
            />
          </Grid>
          <Grid item xs={12}>
            <ConsumersTable
              entityRef={entityRef}
              consumers={owner.consumers}
              onChanged={load}
            />
          </Grid>
        </>
      )}
      {mine && (mine.keys.length > 0 || mine.requests.length > 0) && (
        <>
          <Grid item xs={12}>
            <MyKeysTable title="My keys to this model" keys={mine.keys} />
          </Grid>
          <Grid item xs={12}>
            <MyRequestsTable requests={mine.requests} onCollect={collect} />
          </Grid>
        </>
      )}
      <Grid item xs={12} md={8}>
        <Card>
          <CardHeader
            title="Request access"
            subheader={<Link to="/model-access">All my model access</Link>}
          />
          <CardContent>
            <RequestAccessForm entityRef={entityRef} onRequested={load} />
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
