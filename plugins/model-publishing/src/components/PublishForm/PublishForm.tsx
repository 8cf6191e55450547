import { useState } from 'react';
import Box from '@material-ui/core/Box';
import CircularProgress from '@material-ui/core/CircularProgress';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import Alert from '@material-ui/lab/Alert';
import { InfoCard, Link } from '@backstage/core-components';
import type { Publication } from '@model-publishing/plugin-model-publishing-common';
import type { ModelAddress, ModelInfo } from '../../api/types';
import {
  ModelPermissions,
  deniedReason,
} from '../../hooks/useModelPermissions';
import { TrackWrite, isTransitional } from '../../hooks/useModel';
import { GatedButton } from '../common/GatedButton';
import { useEntityTabLink } from '../common/useEntityTabLink';
import { NewKeyDialog } from '../KeyManager/NewKeyDialog';
import { kindLabel } from '../StatusPanel/StatusPanel';
import { DryRunPreview } from './DryRunPreview';
import { UnpublishDialog } from './UnpublishDialog';
import { isRefusedKind, needsKindChoice } from './formState';
import { PlansFields } from './PlansFields';
import { PricesFields } from './PricesFields';
import {
  FirstKeyFields,
  KindChoice,
  LimitsFields,
  ServingFields,
} from './PublishFields';
import { usePublishForm } from './usePublishForm';
import { useTranslationRef } from '@backstage/frontend-plugin-api';
import { modelPublishingTranslationRef } from '../../translation';

const useStyles = makeStyles(theme => ({
  actions: {
    display: 'flex',
    gap: theme.spacing(1),
    flexWrap: 'wrap',
    marginTop: theme.spacing(2),
  },
  section: { marginTop: theme.spacing(2) },
}));

export interface PublishFormProps {
  address: ModelAddress;
  model: ModelInfo;
  publication?: Publication;
  permissions: ModelPermissions;
  /** Called after a successful publish / update / unpublish. */
  onChanged: () => void;
  /**
   * Runs each publish / update / unpublish request, so the tab can show its progress while it is
   * pending and reload the model when it settles (useModel's `track`).
   */
  trackWrite?: TrackWrite;
}

export function PublishForm(props: PublishFormProps) {
  const { t } = useTranslationRef(modelPublishingTranslationRef);
  const classes = useStyles();
  const { model, publication, permissions } = props;
  const form = usePublishForm(props);
  const { live, kind, busy } = form;
  const detection = model.detection;
  const [unpublishOpen, setUnpublishOpen] = useState(false);

  const working = isTransitional(publication?.status);
  const refused = !live && isRefusedKind(detection);
  const { allowed, loading: permLoading } = permissions;
  const canSubmit = live ? allowed.update : allowed.create;
  // Someone who may not change the publication sees its settings, not inputs to edit (issue 23, item 6).
  const readOnly = !permLoading && !canSubmit;
  const tabLink = useEntityTabLink();
  const accessLink =
    readOnly && live && model.entityRef
      ? tabLink(model.entityRef, 'access')
      : undefined;
  // Nothing else may start while a request runs or the publication is changing.
  const blocked = !!busy || working;
  const spinnerWhile = (request: typeof busy) =>
    busy === request ? <CircularProgress size={16} /> : undefined;
  // Preview and submit: both need the right to submit, and wait for the form to be sendable.
  const requestGate = (action: string) => ({
    allowed: canSubmit,
    deniedReason: deniedReason(action, permLoading),
    disabled: blocked || refused,
  });
  const fields = {
    values: form.values,
    errors: form.errors,
    set: form.set,
    working,
    readOnly,
    className: classes.section,
  };

  return (
    <InfoCard title={live ? 'Publication settings' : 'Publish this model'}>
      <Typography variant="body2">
        Detected kind: <strong>{kindLabel(detection.kind)}</strong>
        {detection.confidence === 'low' ? ' (unsure)' : ''} — {detection.reason}
      </Typography>

      {refused && (
        <Alert severity="error" className={classes.section}>
          gRPC models cannot be published yet: the gateway route for gRPC
          (GRPCRoute) is not supported.
        </Alert>
      )}

      {!live && !refused && needsKindChoice(detection) && (
        <KindChoice {...fields} detection={detection} />
      )}
      <LimitsFields {...fields} kind={kind} refused={refused} />
      <ServingFields {...fields} kind={kind} live={live} />

      <PricesFields
        values={form.prices}
        errors={form.priceErrors}
        kind={kind}
        disabled={working || readOnly}
        onChange={form.setPrice}
        className={classes.section}
      />

      <PlansFields
        state={form.plans}
        errors={form.plansErrors}
        kind={kind}
        disabled={working}
        readOnly={readOnly}
        onChange={form.editPlans}
        className={classes.section}
      />

      {!live && !readOnly && <FirstKeyFields {...fields} />}

      {readOnly && (
        <Alert severity="info" className={classes.section}>
          Only the owners of this model can{' '}
          {live ? 'change how it is published' : 'publish it'}.
          {accessLink && (
            <>
              {' '}
              To call it, <Link to={accessLink}>request access</Link> on its
              Access tab.
            </>
          )}
        </Alert>
      )}
      {form.serverError && (
        <Alert severity="error" role="alert" className={classes.section}>
          {form.serverError}
        </Alert>
      )}
      {form.saved && (
        <Alert severity="success" className={classes.section}>
          {form.saved}
        </Alert>
      )}

      <Box className={classes.actions}>
        <GatedButton
          {...requestGate(live ? 'preview changes' : 'preview publishing')}
          variant="outlined"
          onClick={form.runPreview}
          startIcon={spinnerWhile('preview')}
        >
          {live ? 'Preview changes' : 'Preview'}
        </GatedButton>
        <GatedButton
          {...requestGate(live ? 'change this publication' : 'publish')}
          variant="contained"
          color="primary"
          onClick={form.submit}
          startIcon={spinnerWhile('submit')}
        >
          {live ? 'Update' : 'Publish'}
        </GatedButton>
        {publication && publication.status !== 'unpublished' && (
          <GatedButton
            allowed={allowed.delete}
            deniedReason={deniedReason('unpublish', permLoading)}
            variant="outlined"
            color="secondary"
            onClick={() => setUnpublishOpen(true)}
            disabled={blocked}
          >
            {t('publishForm.unpublish')}
          </GatedButton>
        )}
      </Box>

      {form.preview && (
        <Box className={classes.section}>
          <DryRunPreview {...form.preview} />
        </Box>
      )}

      <UnpublishDialog
        open={unpublishOpen}
        modelName={model.name}
        onClose={() => setUnpublishOpen(false)}
        onConfirm={() => form.unpublish(() => setUnpublishOpen(false))}
      />
      <NewKeyDialog issued={form.issued} onClose={form.clearIssued} />
    </InfoCard>
  );
}
