import FormControl from '@material-ui/core/FormControl';
import FormControlLabel from '@material-ui/core/FormControlLabel';
import FormHelperText from '@material-ui/core/FormHelperText';
import FormLabel from '@material-ui/core/FormLabel';
import Grid from '@material-ui/core/Grid';
import Radio from '@material-ui/core/Radio';
import RadioGroup from '@material-ui/core/RadioGroup';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import { useTranslationRef } from '@backstage/frontend-plugin-api';
import type {
  ModelKindDetection,
  PublishableModelKind,
} from '@model-publishing/plugin-model-publishing-common';
import { modelPublishingTranslationRef } from '../../translation';
import { kindLabel } from '../StatusPanel/StatusPanel';
import { FormField, LimitInput } from './FormField';
import {
  LimitField,
  PublishFormErrors,
  PublishFormField,
  PublishFormValues,
  REQUEST_LIMIT_FIELDS,
  TOKEN_LIMIT_FIELDS,
  kindOptions,
  limitWarnings,
} from './formState';

/** What each section of the publish form reads and how it reports an edit. */
export interface FieldsProps {
  values: PublishFormValues;
  errors: PublishFormErrors;
  set: (
    field: PublishFormField,
  ) => (event: { target: { value: string } }) => void;
  /** A publish or update is under way: nothing may change. */
  working: boolean;
  readOnly: boolean;
  className?: string;
}

/** The API the owner says the model speaks, when detection could not tell for sure. */
export function KindChoice(
  props: FieldsProps & { detection: ModelKindDetection },
) {
  const { t } = useTranslationRef(modelPublishingTranslationRef);
  const { values, errors, set } = props;
  return (
    <FormControl
      component="fieldset"
      error={!!errors.modelKind}
      className={props.className}
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
        {kindOptions(props.detection).map(option => (
          <FormControlLabel
            key={option}
            value={option}
            control={<Radio />}
            label={kindLabel(option)}
            disabled={props.working}
          />
        ))}
      </RadioGroup>
      {errors.modelKind && <FormHelperText>{errors.modelKind}</FormHelperText>}
    </FormControl>
  );
}

/** The default plan's limits per key (tokens too for an LLM), with warnings about odd combinations. */
export function LimitsFields(
  props: FieldsProps & {
    kind: PublishableModelKind | undefined;
    refused: boolean;
  },
) {
  const { t } = useTranslationRef(modelPublishingTranslationRef);
  const { values, errors, set, kind, readOnly } = props;
  const warnings = props.refused ? [] : limitWarnings(values, kind);
  const limits = (fields: readonly LimitField[]) => (
    <Grid container spacing={1}>
      {fields.map(field => (
        <LimitInput
          key={field}
          id={`mp-${field}`}
          field={field}
          value={values[field]}
          onChange={set(field)}
          error={errors[field]}
          disabled={props.working}
          readOnly={readOnly}
          emptyMeans="No limit"
        />
      ))}
    </Grid>
  );
  return (
    <>
      <Typography variant="subtitle2" className={props.className} gutterBottom>
        {t('publishForm.requestLimitsPerKey')}
      </Typography>
      {limits(REQUEST_LIMIT_FIELDS)}
      {kind === 'openai' && (
        <>
          <Typography variant="subtitle2" gutterBottom>
            {t('publishForm.tokenLimitsPerKey')}
          </Typography>
          {limits(TOKEN_LIMIT_FIELDS)}
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
    </>
  );
}

function hostnameHelp(live: boolean, kind: string | undefined): string {
  if (live)
    return 'The hostname is chosen when publishing; unpublish and publish again to change it.';
  if (kind === 'openai')
    return 'LLM endpoints get a hostname of their own; leave empty for the default.';
  return "Serve the model on a hostname of its own; leave empty for the gateway's shared address.";
}

/** What an example body looks like for each kind, as the field's placeholder. */
const EXAMPLE_PLACEHOLDERS: Record<PublishableModelKind, string> = {
  openai: '{"messages": [{"role": "user", "content": "…"}]}',
  v1: '{"instances": [[0.2, 13.5, 1, 0, 42]]}',
  v2: '{"inputs": [{"name": "input-0", "shape": [1, 5], "datatype": "FP32", "data": [0.2, 13.5, 1, 0, 42]}]}',
};

/** Where the model is served and what its API guide shows: hostname, description, example request. */
export function ServingFields(
  props: FieldsProps & {
    kind: PublishableModelKind | undefined;
    live: boolean;
  },
) {
  const { t } = useTranslationRef(modelPublishingTranslationRef);
  const { values, errors, set, kind, live, readOnly, working } = props;
  return (
    <>
      <FormField
        id="mp-hostname"
        label={t('publishForm.hostnameOptional')}
        placeholder={
          kind === 'openai'
            ? 'my-model.llm.example.com'
            : 'fraud-model.models.example.com'
        }
        value={values.hostname}
        // Read-only rather than disabled once live: a disabled field's help text is too faint to read in
        // the dark theme (axe color-contrast), and this one says how to change the hostname.
        readOnly={live || readOnly}
        onChange={set('hostname')}
        error={errors.hostname}
        help={hostnameHelp(live, kind)}
        disabled={working}
        className={props.className}
      />
      <FormField
        id="mp-description"
        label={t('publishForm.descriptionOptional')}
        placeholder={t('publishForm.whatTheModelDoesAnd')}
        multiline
        minRows={2}
        value={values.description}
        readOnly={readOnly}
        onChange={set('description')}
        error={errors.description}
        help={`Shown at the top of the API guide (${values.description.length}/1000).`}
        disabled={working}
        className={props.className}
      />
      <FormField
        id="mp-example"
        label={t('publishForm.exampleRequestOptionalJson')}
        placeholder={EXAMPLE_PLACEHOLDERS[kind ?? 'v1']}
        multiline
        minRows={2}
        value={values.example}
        InputProps={{ style: { fontFamily: 'monospace' } }}
        readOnly={readOnly}
        onChange={set('example')}
        error={errors.example}
        help="A request body with real inputs of this model; the API guide and Try it show it instead of placeholder values."
        disabled={working}
        className={props.className}
      />
    </>
  );
}

/** The first API key, made with the publication: its name and optional expiry. */
export function FirstKeyFields(props: FieldsProps) {
  const { t } = useTranslationRef(modelPublishingTranslationRef);
  const { values, errors, set, working } = props;
  return (
    <Grid container spacing={1} className={props.className}>
      <Grid item xs={12} sm={6}>
        <FormField
          id="mp-keyName"
          label={t('publishForm.firstApiKeyName')}
          value={values.keyName}
          onChange={set('keyName')}
          error={errors.keyName}
          help="Leave empty to create keys later."
          disabled={working}
        />
      </Grid>
      <Grid item xs={12} sm={6}>
        <FormField
          id="mp-keyExpiresOn"
          label={t('publishForm.keyExpiresOnOptional')}
          type="date"
          InputLabelProps={{ shrink: true }}
          value={values.keyExpiresOn}
          onChange={set('keyExpiresOn')}
          error={errors.keyExpiresOn}
          disabled={working}
        />
      </Grid>
    </Grid>
  );
}
