import { useCallback, useEffect, useState } from 'react';
import { useLocation } from 'react-router-dom';
import Grid from '@material-ui/core/Grid';
import Alert from '@material-ui/lab/Alert';
import { Progress } from '@backstage/core-components';
import { ToolPage } from '../common/ToolPage';
import { useApi } from '@backstage/core-plugin-api';
import type {
  AccessRequest,
  MyAccess,
} from '@model-publishing/plugin-model-publishing-common';
import { modelAccessApiRef } from '../../api/ModelAccessApi';
import { AccessRequestsTable } from '../AccessRequests/AccessRequestsTable';
import { MyKeysTable, MyRequestsTable } from '../AccessRequests/MyKeysTable';
import { useCollectKey } from '../AccessRequests/useCollectKey';
import { useTranslationRef } from '@backstage/frontend-plugin-api';
import { modelPublishingTranslationRef } from '../../translation';

/**
 * "My model access" (`/model-access`): the caller's keys across all models (as themselves, their groups
 * and the Components they own), their requests (collect an approved key once), and the requests waiting
 * for their decision on models they own (`/model-access/approvals`, where owners' notices link).
 */
export function MyAccessPage() {
  const { t } = useTranslationRef(modelPublishingTranslationRef);
  const api = useApi(modelAccessApiRef);
  const location = useLocation();
  const [mine, setMine] = useState<MyAccess>();
  const [toDecide, setToDecide] = useState<AccessRequest[]>([]);
  const [error, setError] = useState<string>();
  const load = useCallback(() => {
    Promise.all([api.getMyAccess(), api.listRequestsToDecide()]).then(
      ([m, d]) => {
        setMine(m);
        setToDecide(d);
      },
      e => setError(e.message),
    );
  }, [api]);
  useEffect(load, [load]);
  const { collect, dialog, error: collectError } = useCollectKey(load);
  const approvalsFirst = location.pathname.endsWith('/approvals');

  const approvals = (
    <Grid item xs={12} key="approvals" id="approvals">
      <AccessRequestsTable
        title={t('access.requestsWaitingForYourDecision')}
        requests={toDecide}
        onDecided={load}
      />
    </Grid>
  );
  const own = [
    <Grid item xs={12} key="requests">
      <MyRequestsTable requests={mine?.requests ?? []} onCollect={collect} />
    </Grid>,
    <Grid item xs={12} key="keys">
      <MyKeysTable keys={mine?.keys ?? []} onChanged={load} />
    </Grid>,
  ];
  return (
    <ToolPage
      title={t('access.myModelAccess')}
      subtitle="Your keys to published models, your requests, and requests for your models"
    >
      {(error || collectError) && (
        <Alert severity="error" role="alert">
          {error ?? collectError}
        </Alert>
      )}
      {!mine && !error ? (
        <Progress />
      ) : (
        <Grid container spacing={3}>
          {approvalsFirst
            ? [approvals, ...own]
            : [...own, ...(toDecide.length ? [approvals] : [])]}
        </Grid>
      )}
      {dialog}
    </ToolPage>
  );
}
