import { useCallback, useEffect, useReducer, useState } from 'react';
import Grid from '@material-ui/core/Grid';
import useMountedState from 'react-use/esm/useMountedState';
import {
  EmptyState,
  Progress,
  ResponseErrorPanel,
  WarningPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { ANNOTATION_INFERENCE_SERVICE } from '@model-publishing/plugin-model-publishing-common';
import { modelPublishingApiRef } from '../../api/ModelPublishingApi';
import type { UsageReport } from '../../api/types';
import { EntityModel, useEntityModel } from '../../hooks/useEntityModel';
import { useModel } from '../../hooks/useModel';
import {
  deniedReason,
  useModelPermissions,
} from '../../hooks/useModelPermissions';
import { ApiGuideCard } from '../ApiGuideCard/ApiGuideCard';
import { OwnerAccessPanel } from '../AccessRequests/OwnerAccessPanel';
import { AuditTable } from '../AuditTable/AuditTable';
import { KeyManager } from '../KeyManager/KeyManager';
import { DeprecationPanel } from '../DeprecationPanel/DeprecationPanel';
import { TryIt } from '../TryIt/TryIt';
import { PublishForm } from '../PublishForm/PublishForm';
import { StatusPanel } from '../StatusPanel/StatusPanel';
import { UsageCards } from '../UsageCards/UsageCards';
import { requestsByKey } from '../UsageCards/usageRange';
import { errorMessage, errorStatus } from '../common/errors';
import { useTranslationRef } from '@backstage/frontend-plugin-api';
import { modelPublishingTranslationRef } from '../../translation';

/** The entity's Publish tab. */
export function PublishTab() {
  const { t } = useTranslationRef(modelPublishingTranslationRef);
  const model = useEntityModel();
  if (!model) {
    return (
      <WarningPanel title={t('publishTab.notAnInferenceservice')}>
        This entity has no valid <code>{ANNOTATION_INFERENCE_SERVICE}</code>{' '}
        annotation (expected <code>&lt;namespace&gt;/&lt;name&gt;</code>).
      </WarningPanel>
    );
  }
  return <PublishTabContent {...model} />;
}

export function PublishTabContent(props: EntityModel) {
  const { t } = useTranslationRef(modelPublishingTranslationRef);
  const { address, entityRef } = props;
  const api = useApi(modelPublishingApiRef);
  const permissions = useModelPermissions(entityRef);
  const model = useModel(address);
  const isMounted = useMountedState();
  const [retrying, setRetrying] = useState(false);
  const [retryError, setRetryError] = useState<string>();
  const [usage, setUsage] = useState<UsageReport>();
  // Bumped after every change made on the tab, so the audit history shows it.
  const [changes, changed] = useReducer((n: number) => n + 1, 0);
  const onReport = useCallback((report: UsageReport) => setUsage(report), []);
  const loaded = !!model.value;
  // Links such as the published-models page's request counts point at #usage: scroll there once
  // the cards exist.
  useEffect(() => {
    if (!loaded || window.location.hash !== '#usage') return;
    document.getElementById('usage')?.scrollIntoView();
  }, [loaded]);

  // Keep showing the last value while reloading so dialogs (e.g. a new key) are not unmounted.
  if (!model.value) {
    if (model.error) {
      if (errorStatus(model.error) === 403) {
        return (
          <EmptyState
            missing="info"
            title={t('publishTab.youCantSeeThisModels')}
            description={t('publishTab.youDontHavePermissionTo')}
          />
        );
      }
      return (
        <ResponseErrorPanel
          error={model.error}
          title={t('publishTab.couldNotLoadTheModel')}
        />
      );
    }
    return <Progress />;
  }

  const { model: info, publication } = model.value;
  // The key, usage, guide and audit cards appear once the publication exists: while it is still
  // being created (the fast poll during a publish shows it) its first key and guide may not yet.
  const live =
    publication &&
    publication.status !== 'unpublished' &&
    publication.status !== 'publishing';

  const retry = async () => {
    if (!publication) return;
    setRetrying(true);
    setRetryError(undefined);
    try {
      await model.track(() => api.publish(address, publication.config));
    } catch (e) {
      if (isMounted()) setRetryError(errorMessage(e));
    } finally {
      // track() has reloaded the model already.
      if (isMounted()) {
        setRetrying(false);
        changed();
      }
    }
  };

  return (
    <Grid container spacing={3} alignItems="stretch">
      <Grid item xs={12} md={6}>
        <StatusPanel
          model={info}
          publication={publication}
          onRetry={retry}
          retrying={retrying}
          canRetry={permissions.allowed.create}
          retryDeniedReason={deniedReason('publish', permissions.loading)}
        />
        {retryError && (
          <ResponseErrorPanel
            error={new Error(retryError)}
            title={t('publishTab.retryFailed')}
          />
        )}
      </Grid>
      <Grid item xs={12} md={6}>
        <PublishForm
          address={address}
          model={info}
          publication={publication}
          permissions={permissions}
          trackWrite={model.track}
          onChanged={changed}
        />
      </Grid>
      {live && (
        <>
          <Grid item xs={12}>
            <DeprecationPanel
              address={address}
              canUpdate={permissions.allowed.update}
              onChanged={changed}
            />
          </Grid>
          <Grid item xs={12}>
            <KeyManager
              address={address}
              permissions={permissions}
              requestsByKey={requestsByKey(usage)}
              onChanged={changed}
              llm={publication.modelKind === 'openai'}
              publicationLimits={publication.config.rateLimits}
            />
          </Grid>
          <Grid item xs={12} id="access">
            <OwnerAccessPanel entityRef={entityRef} onChanged={changed} />
          </Grid>
          <Grid item xs={12}>
            <TryIt address={address} publication={publication} />
          </Grid>
          <Grid item xs={12} id="usage">
            <UsageCards
              address={address}
              modelKind={publication.modelKind}
              permissions={permissions}
              onReport={onReport}
            />
          </Grid>
          <Grid item xs={12}>
            <ApiGuideCard
              address={address}
              canRead={permissions.allowed.read}
              refreshKey={changes}
            />
          </Grid>
          <Grid item xs={12}>
            <AuditTable
              address={address}
              canRead={permissions.allowed.audit}
              refreshKey={changes}
            />
          </Grid>
        </>
      )}
      {!live && permissions.allowed.audit && (
        <Grid item xs={12}>
          <AuditTable address={address} canRead refreshKey={changes} />
        </Grid>
      )}
    </Grid>
  );
}
