import { PlansFields } from './PlansFields';
import { PricesFields } from './PricesFields';
import { PlansErrors, PlansState, initialPlans, plansToConfig } from './plans';
import {
  PriceErrors,
  PriceValues,
  initialPrices,
  pricesToConfig,
} from './prices';
import { useState } from 'react';
import useMountedState from 'react-use/esm/useMountedState';
import Box from '@material-ui/core/Box';
import CircularProgress from '@material-ui/core/CircularProgress';
import FormControl from '@material-ui/core/FormControl';
import FormControlLabel from '@material-ui/core/FormControlLabel';
import FormHelperText from '@material-ui/core/FormHelperText';
import FormLabel from '@material-ui/core/FormLabel';
import Grid from '@material-ui/core/Grid';
import Radio from '@material-ui/core/Radio';
import RadioGroup from '@material-ui/core/RadioGroup';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import Alert from '@material-ui/lab/Alert';
import { InfoCard, Link } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import type {
  IssuedApiKey,
  Publication,
  PublishConfig,
} from '@model-publishing/plugin-model-publishing-common';
import { modelPublishingApiRef } from '../../api/ModelPublishingApi';
import type {
  KubernetesObject,
  ModelAddress,
  ModelInfo,
} from '../../api/types';
import {
  ModelPermissions,
  deniedReason,
} from '../../hooks/useModelPermissions';
import { TrackWrite, isTransitional } from '../../hooks/useModel';
import { GatedButton } from '../common/GatedButton';
import { errorMessage } from '../common/errors';
import { useEntityTabLink } from '../common/useEntityTabLink';
import { NewKeyDialog } from '../KeyManager/NewKeyDialog';
import { kindLabel } from '../StatusPanel/StatusPanel';
import { DryRunPreview } from './DryRunPreview';
import { UnpublishDialog } from './UnpublishDialog';
import {
  LIMIT_LABELS,
  PublishFormField,
  PublishFormValues,
  REQUEST_LIMIT_FIELDS,
  TOKEN_LIMIT_FIELDS,
  effectiveKind,
  fieldError,
  formToConfig,
  initialValues,
  isRefusedKind,
  kindOptions,
  limitWarnings,
  needsKindChoice,
} from './formState';
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

const untracked: TrackWrite = write => write();

function hostnameHelp(live: boolean, kind: string | undefined): string {
  if (live)
    return 'The hostname is chosen when publishing; unpublish and publish again to change it.';
  if (kind === 'openai')
    return 'LLM endpoints get a hostname of their own; leave empty for the default.';
  return "Serve the model on a hostname of its own; leave empty for the gateway's shared address.";
}

/** What an example body looks like for the kind, as the field's placeholder. */
function examplePlaceholder(kind: string | undefined): string {
  if (kind === 'openai')
    return '{"messages": [{"role": "user", "content": "…"}]}';
  if (kind === 'v2')
    return '{"inputs": [{"name": "input-0", "shape": [1, 5], "datatype": "FP32", "data": [0.2, 13.5, 1, 0, 42]}]}';
  return '{"instances": [[0.2, 13.5, 1, 0, 42]]}';
}

/** 'update' once the model is live; 'publish' when it is not (or a previous attempt failed). */
export function formMode(publication?: Publication): 'publish' | 'update' {
  return publication &&
    ['published', 'degraded', 'updating'].includes(publication.status)
    ? 'update'
    : 'publish';
}

export function PublishForm(props: PublishFormProps) {
  const { t } = useTranslationRef(modelPublishingTranslationRef);
  const classes = useStyles();
  const api = useApi(modelPublishingApiRef);
  const { model, publication, permissions, address } = props;
  const track = props.trackWrite ?? untracked;
  const isMounted = useMountedState();
  const detection = model.detection;
  const mode = formMode(publication);
  const live = mode === 'update';
  const [values, setValues] = useState<PublishFormValues>(() =>
    initialValues(live ? publication?.config : undefined),
  );
  const [errors, setErrors] = useState<
    Partial<Record<PublishFormField, string>>
  >({});
  const [prices, setPrices] = useState<PriceValues>(() =>
    initialPrices(live ? publication?.config.prices : undefined),
  );
  const [priceErrors, setPriceErrors] = useState<PriceErrors>({});
  const [serverError, setServerError] = useState<string>();
  const [busy, setBusy] = useState<'preview' | 'submit' | undefined>();
  const [plans, setPlans] = useState<PlansState>(() =>
    initialPlans(live ? publication?.config : undefined),
  );
  const [plansErrors, setPlansErrors] = useState<PlansErrors>({
    defaultPlan: {},
    plans: [],
  });
  const [preview, setPreview] = useState<{
    objects: KubernetesObject[];
    config: PublishConfig;
    notes?: string[];
    current?: KubernetesObject[];
  }>();
  const [issued, setIssued] = useState<IssuedApiKey>();
  const [unpublishOpen, setUnpublishOpen] = useState(false);
  const [saved, setSaved] = useState<string>();

  const kind = live
    ? publication!.modelKind
    : effectiveKind(detection, values.modelKind);
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
  const inputProps = readOnly ? { readOnly: true } : undefined;

  // Checked as the person types: the edited field shows what is wrong with it right away.
  const set =
    (field: PublishFormField) => (event: { target: { value: string } }) => {
      const next = { ...values, [field]: event.target.value };
      setValues(next);
      setErrors(e => ({
        ...e,
        [field]: fieldError(next, field, { detection, mode }),
      }));
      setPreview(undefined);
    };
  const warnings = refused ? [] : limitWarnings(values, kind);

  const validated = () => {
    const result = formToConfig(values, { detection, mode });
    setErrors(result.errors);
    const priced = pricesToConfig(prices, kind);
    setPriceErrors(priced.errors);
    const planned = plansToConfig(plans, kind);
    setPlansErrors(planned.errors);
    if (
      !result.config ||
      Object.keys(priced.errors).length > 0 ||
      !planned.valid
    )
      return undefined;
    return {
      ...result.config,
      ...(priced.prices ? { prices: priced.prices } : {}),
      ...(planned.plans ? { plans: planned.plans } : {}),
    };
  };

  const runPreview = async () => {
    const config = validated();
    if (!config) return;
    setBusy('preview');
    setServerError(undefined);
    try {
      // An update's preview shows what changes against what runs (issue 23 item 13).
      const result = live
        ? await api.dryRun(address, config, 'update')
        : await api.dryRun(address, config);
      setPreview({
        objects: result.objects,
        notes: result.notes,
        current: result.current,
        config,
      });
    } catch (e) {
      setServerError(errorMessage(e));
    } finally {
      setBusy(undefined);
    }
  };

  const submit = async () => {
    const config = validated();
    if (!config) return;
    setBusy('submit');
    setServerError(undefined);
    setSaved(undefined);
    try {
      if (live) {
        await track(() => api.updatePublication(address, config));
        if (!isMounted()) return;
        setSaved('Limits updated.');
      } else {
        const result = await track(() => api.publish(address, config));
        if (!isMounted()) return;
        if (result.key) setIssued(result.key);
      }
      setPreview(undefined);
      props.onChanged();
    } catch (e) {
      if (isMounted()) setServerError(errorMessage(e));
    } finally {
      if (isMounted()) setBusy(undefined);
    }
  };

  const limitField = (
    field:
      | (typeof REQUEST_LIMIT_FIELDS)[number]
      | (typeof TOKEN_LIMIT_FIELDS)[number],
  ) => (
    <Grid item xs={12} sm={6} key={field}>
      <TextField
        id={`mp-${field}`}
        label={LIMIT_LABELS[field]}
        type="number"
        inputProps={{ min: 1, step: 1 }}
        InputProps={inputProps}
        placeholder={readOnly ? 'No limit' : undefined}
        InputLabelProps={readOnly ? { shrink: true } : undefined}
        fullWidth
        variant="outlined"
        size="small"
        value={values[field]}
        onChange={set(field)}
        error={!!errors[field]}
        helperText={errors[field] ?? ' '}
        disabled={working}
      />
    </Grid>
  );

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
        <FormControl
          component="fieldset"
          error={!!errors.modelKind}
          className={classes.section}
        >
          <FormLabel component="legend">
            {t('publishForm.whichApiDoesThisModel')}
          </FormLabel>
          <RadioGroup
            aria-label={t('publishForm.modelKind')}
            name="modelKind"
            value={values.modelKind}
            onChange={set('modelKind')}
          >
            {kindOptions(detection).map(option => (
              <FormControlLabel
                key={option}
                value={option}
                control={<Radio />}
                label={kindLabel(option)}
                disabled={working}
              />
            ))}
          </RadioGroup>
          {errors.modelKind && (
            <FormHelperText>{errors.modelKind}</FormHelperText>
          )}
        </FormControl>
      )}

      <Typography variant="subtitle2" className={classes.section} gutterBottom>
        {t('publishForm.requestLimitsPerKey')}
      </Typography>
      <Grid container spacing={1}>
        {REQUEST_LIMIT_FIELDS.map(limitField)}
      </Grid>
      {kind === 'openai' && (
        <>
          <Typography variant="subtitle2" gutterBottom>
            {t('publishForm.tokenLimitsPerKey')}
          </Typography>
          <Grid container spacing={1}>
            {TOKEN_LIMIT_FIELDS.map(limitField)}
          </Grid>
        </>
      )}
      {warnings.length > 0 && !readOnly && (
        <Alert
          severity="warning"
          role="status"
          aria-label={t('publishForm.limitWarnings')}
        >
          {warnings.map(w => (
            <div key={w}>{w}</div>
          ))}
        </Alert>
      )}

      <TextField
        id="mp-hostname"
        label={t('publishForm.hostnameOptional')}
        placeholder={
          kind === 'openai'
            ? 'my-model.llm.example.com'
            : 'fraud-model.models.example.com'
        }
        fullWidth
        variant="outlined"
        size="small"
        value={values.hostname}
        // Read-only rather than disabled once live: a disabled field's help text is too faint to read in
        // the dark theme (axe color-contrast), and this one says how to change the hostname.
        InputProps={live ? { readOnly: true } : inputProps}
        onChange={set('hostname')}
        error={!!errors.hostname}
        helperText={errors.hostname ?? hostnameHelp(live, kind)}
        disabled={working}
        className={classes.section}
      />
      <TextField
        id="mp-description"
        label={t('publishForm.descriptionOptional')}
        placeholder={t('publishForm.whatTheModelDoesAnd')}
        fullWidth
        multiline
        minRows={2}
        variant="outlined"
        size="small"
        value={values.description}
        InputProps={inputProps}
        onChange={set('description')}
        error={!!errors.description}
        helperText={
          errors.description ??
          `Shown at the top of the API guide (${values.description.length}/1000).`
        }
        disabled={working}
        className={classes.section}
      />
      <TextField
        id="mp-example"
        label={t('publishForm.exampleRequestOptionalJson')}
        placeholder={examplePlaceholder(kind)}
        fullWidth
        multiline
        minRows={2}
        variant="outlined"
        size="small"
        value={values.example}
        InputProps={{ ...inputProps, style: { fontFamily: 'monospace' } }}
        onChange={set('example')}
        error={!!errors.example}
        helperText={
          errors.example ??
          'A request body with real inputs of this model; the API guide and Try it show it instead of placeholder values.'
        }
        disabled={working}
        className={classes.section}
      />

      <PricesFields
        values={prices}
        errors={priceErrors}
        kind={kind}
        disabled={working || readOnly}
        onChange={(field, value) => {
          setPrices(p => ({ ...p, [field]: value }));
          setPriceErrors(e => ({ ...e, [field]: undefined }));
          setPreview(undefined);
        }}
        className={classes.section}
      />

      <PlansFields
        state={plans}
        errors={plansErrors}
        kind={kind}
        disabled={working}
        readOnly={readOnly}
        onChange={next => {
          setPlans(next);
          // Errors clear as the person edits; they are checked again when the form is sent.
          setPlansErrors({ defaultPlan: {}, plans: [] });
          setPreview(undefined);
        }}
        className={classes.section}
      />

      {!live && !readOnly && (
        <Grid container spacing={1} className={classes.section}>
          <Grid item xs={12} sm={6}>
            <TextField
              id="mp-keyName"
              label={t('publishForm.firstApiKeyName')}
              fullWidth
              variant="outlined"
              size="small"
              value={values.keyName}
              onChange={set('keyName')}
              error={!!errors.keyName}
              helperText={errors.keyName ?? 'Leave empty to create keys later.'}
              disabled={working}
            />
          </Grid>
          <Grid item xs={12} sm={6}>
            <TextField
              id="mp-keyExpiresOn"
              label={t('publishForm.keyExpiresOnOptional')}
              type="date"
              InputLabelProps={{ shrink: true }}
              fullWidth
              variant="outlined"
              size="small"
              value={values.keyExpiresOn}
              onChange={set('keyExpiresOn')}
              error={!!errors.keyExpiresOn}
              helperText={errors.keyExpiresOn ?? ' '}
              disabled={working}
            />
          </Grid>
        </Grid>
      )}

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
      {serverError && (
        <Alert severity="error" role="alert" className={classes.section}>
          {serverError}
        </Alert>
      )}
      {saved && (
        <Alert severity="success" className={classes.section}>
          {saved}
        </Alert>
      )}

      <Box className={classes.actions}>
        <GatedButton
          allowed={live ? allowed.update : allowed.create}
          deniedReason={deniedReason(
            live ? 'preview changes' : 'preview publishing',
            permLoading,
          )}
          variant="outlined"
          onClick={runPreview}
          disabled={!!busy || working || refused}
          startIcon={
            busy === 'preview' ? <CircularProgress size={16} /> : undefined
          }
        >
          {live ? 'Preview changes' : 'Preview'}
        </GatedButton>
        <GatedButton
          allowed={canSubmit}
          deniedReason={deniedReason(
            live ? 'change this publication' : 'publish',
            permLoading,
          )}
          variant="contained"
          color="primary"
          onClick={submit}
          disabled={!!busy || working || refused}
          startIcon={
            busy === 'submit' ? <CircularProgress size={16} /> : undefined
          }
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
            disabled={!!busy || working}
          >
            {t('publishForm.unpublish')}
          </GatedButton>
        )}
      </Box>

      {preview && (
        <Box className={classes.section}>
          <DryRunPreview
            objects={preview.objects}
            config={preview.config}
            notes={preview.notes}
            current={preview.current}
          />
        </Box>
      )}

      <UnpublishDialog
        open={unpublishOpen}
        modelName={model.name}
        onClose={() => setUnpublishOpen(false)}
        onConfirm={async () => {
          await track(() => api.unpublish(address));
          if (!isMounted()) return;
          setUnpublishOpen(false);
          props.onChanged();
        }}
      />
      <NewKeyDialog issued={issued} onClose={() => setIssued(undefined)} />
    </InfoCard>
  );
}
