import { useCallback, useEffect, useState } from 'react';
import Grid from '@material-ui/core/Grid';
import Alert from '@material-ui/lab/Alert';
import { useApi } from '@backstage/core-plugin-api';
import { usePermission } from '@backstage/plugin-permission-react';
import {
  accessApprovePermission,
  type AccessRequest,
  type ConsumerKey,
  type Plan,
} from '@model-publishing/plugin-model-publishing-common';
import { modelAccessApiRef } from '../../api/ModelAccessApi';
import { errorMessage } from '../common/errors';
import { AccessRequestsTable } from './AccessRequestsTable';
import { ConsumersTable } from './ConsumersTable';

interface OwnerView {
  requests: AccessRequest[];
  consumers: ConsumerKey[];
  plans: Plan[];
}

/**
 * The owners' half of a model's access (Publish and Access tabs): requests waiting for a decision and
 * every consumer key. Renders nothing for a caller without model-publishing.access.approve on the model.
 */
export function OwnerAccessPanel(props: {
  entityRef: string;
  /** Bump to reload (e.g. after the caller requested access on the same page). */
  refreshKey?: number;
  onChanged?: () => void;
}) {
  const { entityRef, onChanged } = props;
  const api = useApi(modelAccessApiRef);
  const approve = usePermission({
    permission: accessApprovePermission,
    resourceRef: entityRef,
  });
  const [view, setView] = useState<OwnerView>();
  const [error, setError] = useState<string>();
  const load = useCallback(() => {
    Promise.all([
      api.listAccessRequests(entityRef),
      api.listConsumers(entityRef),
      api.listPlans(entityRef),
    ]).then(
      ([requests, consumers, plans]) => {
        setError(undefined);
        setView({
          requests: requests.filter(r => r.status === 'pending'),
          consumers,
          plans,
        });
      },
      e => setError(errorMessage(e)),
    );
  }, [api, entityRef]);
  useEffect(() => {
    if (approve.allowed) load();
  }, [approve.allowed, load, props.refreshKey]);
  const changed = useCallback(() => {
    load();
    onChanged?.();
  }, [load, onChanged]);

  if (!approve.allowed) return null;
  return (
    <Grid container spacing={3}>
      {error && (
        <Grid item xs={12}>
          <Alert severity="error" role="alert">
            Could not load the model's access requests: {error}
          </Alert>
        </Grid>
      )}
      {view && (
        <>
          <Grid item xs={12}>
            <AccessRequestsTable
              requests={view.requests}
              plans={view.plans}
              onDecided={changed}
            />
          </Grid>
          <Grid item xs={12}>
            <ConsumersTable
              entityRef={entityRef}
              consumers={view.consumers}
              onChanged={changed}
            />
          </Grid>
        </>
      )}
    </Grid>
  );
}
