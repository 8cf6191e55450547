import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Grid from '@material-ui/core/Grid';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import AddIcon from '@material-ui/icons/Add';
import type { PublishableModelKind } from '@model-publishing/plugin-model-publishing-common';
import { LIMIT_LABELS, LimitField } from './formState';
import {
  DefaultPlanValues,
  MAX_PLANS,
  PlanField,
  PlanValues,
  PlansErrors,
  PlansState,
  emptyPlan,
  planLimitFields,
} from './plans';
import { useTranslationRef } from '@backstage/frontend-plugin-api';
import { modelPublishingTranslationRef } from '../../translation';

const useStyles = makeStyles(theme => ({
  plan: {
    border: `1px solid ${theme.palette.divider}`,
    borderRadius: theme.shape.borderRadius,
    padding: theme.spacing(1.5, 2, 1),
    margin: theme.spacing(1, 0),
    minWidth: 0,
  },
  legend: {
    padding: theme.spacing(0, 0.5),
    fontWeight: theme.typography.fontWeightMedium as number,
  },
  header: {
    display: 'flex',
    justifyContent: 'space-between',
    alignItems: 'center',
    flexWrap: 'wrap',
    gap: theme.spacing(1),
  },
}));

export interface PlansFieldsProps {
  state: PlansState;
  errors: PlansErrors;
  kind: PublishableModelKind | undefined;
  disabled?: boolean;
  /** Non-owners see the plans, not inputs to change them. */
  readOnly?: boolean;
  onChange: (state: PlansState) => void;
  className?: string;
}

/**
 * The plans consumers may request on the model's Access tab (docs/design.md §9): the default plan (the limits
 * above, with its own approval and key lifetime) and any others, each with limits per key.
 */
export function PlansFields(props: PlansFieldsProps) {
  const { t } = useTranslationRef(modelPublishingTranslationRef);
  const classes = useStyles();
  const { state, errors, kind, disabled, readOnly } = props;
  const inputProps = readOnly ? { readOnly: true } : undefined;
  const limitFields = planLimitFields(kind);

  const setDefault =
    (field: keyof DefaultPlanValues) => (e: { target: { value: string } }) =>
      props.onChange({
        ...state,
        defaultPlan: { ...state.defaultPlan, [field]: e.target.value },
      });
  const setPlan =
    (index: number, field: PlanField) => (e: { target: { value: string } }) =>
      props.onChange({
        ...state,
        plans: state.plans.map((p, i) =>
          i === index ? { ...p, [field]: e.target.value } : p,
        ),
      });

  const approvalField = (
    id: string,
    value: string,
    onChange: (e: { target: { value: string } }) => void,
  ) => (
    <TextField
      id={id}
      select
      SelectProps={{ native: true }}
      label={t('publishForm.approval')}
      fullWidth
      variant="outlined"
      size="small"
      value={value}
      onChange={onChange}
      InputProps={inputProps}
      disabled={disabled || readOnly}
      helperText=" "
    >
      <option value="manual">{t('publishForm.ownersApprove')}</option>
      <option value="automatic">{t('publishForm.keyAtOnce')}</option>
    </TextField>
  );
  const lifetimeField = (
    id: string,
    value: string,
    error: string | undefined,
    onChange: (e: { target: { value: string } }) => void,
  ) => (
    <TextField
      id={id}
      label={t('publishForm.longestKeyLifetimeDays')}
      type="number"
      inputProps={{ min: 1, max: 3650, step: 1 }}
      InputProps={inputProps}
      placeholder={readOnly ? 'No limit' : undefined}
      InputLabelProps={readOnly ? { shrink: true } : undefined}
      fullWidth
      variant="outlined"
      size="small"
      value={value}
      onChange={onChange}
      error={!!error}
      helperText={error ?? (readOnly ? ' ' : 'Empty: keys need not expire')}
      disabled={disabled}
    />
  );

  const planBox = (plan: PlanValues, index: number) => {
    const e = errors.plans[index] ?? {};
    const id = (field: string) => `mp-${plan.key}-${field}`;
    const title = plan.name.trim()
      ? `Plan ${plan.name.trim()}`
      : `New plan ${index + 1}`;
    return (
      <fieldset key={plan.key} className={classes.plan}>
        <legend className={classes.legend}>
          <Typography variant="body2" component="span">
            {title}
          </Typography>
        </legend>
        <Grid container spacing={1}>
          <Grid item xs={12} sm={6}>
            <TextField
              id={id('name')}
              label={t('publishForm.planName')}
              fullWidth
              variant="outlined"
              size="small"
              value={plan.name}
              onChange={setPlan(index, 'name')}
              InputProps={inputProps}
              error={!!e.name}
              helperText={e.name ?? 'Lower-case letters, digits, dashes'}
              disabled={disabled}
            />
          </Grid>
          <Grid item xs={12} sm={6}>
            {approvalField(
              id('approval'),
              plan.approval,
              setPlan(index, 'approval'),
            )}
          </Grid>
          <Grid item xs={12} sm={6}>
            <TextField
              id={id('description')}
              label={t('publishForm.planDescriptionOptional')}
              fullWidth
              variant="outlined"
              size="small"
              value={plan.description}
              onChange={setPlan(index, 'description')}
              InputProps={inputProps}
              error={!!e.description}
              helperText={e.description ?? ' '}
              disabled={disabled}
            />
          </Grid>
          <Grid item xs={12} sm={6}>
            {lifetimeField(
              id('maxKeyLifetimeDays'),
              plan.maxKeyLifetimeDays,
              e.maxKeyLifetimeDays,
              setPlan(index, 'maxKeyLifetimeDays'),
            )}
          </Grid>
          {limitFields.map((field: LimitField) => (
            // The form sits in half the page on wide screens: two limits a row keep their labels whole.
            <Grid item xs={12} sm={6} key={field}>
              <TextField
                id={id(field)}
                label={LIMIT_LABELS[field]}
                type="number"
                inputProps={{ min: 1, step: 1 }}
                InputProps={inputProps}
                placeholder={readOnly ? 'Default plan’s' : undefined}
                InputLabelProps={readOnly ? { shrink: true } : undefined}
                fullWidth
                variant="outlined"
                size="small"
                value={plan[field]}
                onChange={setPlan(index, field)}
                error={!!e[field]}
                helperText={e[field] ?? ' '}
                disabled={disabled}
              />
            </Grid>
          ))}
        </Grid>
        {!readOnly && (
          <Box display="flex" justifyContent="flex-end">
            <Button
              size="small"
              color="secondary"
              onClick={() =>
                props.onChange({
                  ...state,
                  plans: state.plans.filter(p => p.key !== plan.key),
                })
              }
              disabled={disabled}
              aria-label={t('publishForm.remove', { title })}
            >
              {t('publishForm.remove2')}
            </Button>
          </Box>
        )}
      </fieldset>
    );
  };

  return (
    <div className={props.className} id="mp-plans">
      <div className={classes.header}>
        <Typography variant="subtitle2" component="h3">
          {t('publishForm.plansConsumersMayRequest')}
        </Typography>
        {!readOnly && (
          <Button
            size="small"
            variant="outlined"
            startIcon={<AddIcon />}
            disabled={disabled || state.plans.length >= MAX_PLANS - 1}
            onClick={() =>
              props.onChange({ ...state, plans: [...state.plans, emptyPlan()] })
            }
          >
            {t('publishForm.addPlan')}
          </Button>
        )}
      </div>
      <Typography variant="caption" color="textSecondary" component="p">
        {t('publishForm.consumersPickAPlanWhen')}
      </Typography>
      <fieldset className={classes.plan}>
        <legend className={classes.legend}>
          <Typography variant="body2" component="span">
            {t('publishForm.planDefaultTheLimitsAbove')}
          </Typography>
        </legend>
        <Grid container spacing={1}>
          <Grid item xs={12} sm={6}>
            {approvalField(
              'mp-plan-default-approval',
              state.defaultPlan.approval,
              setDefault('approval'),
            )}
          </Grid>
          <Grid item xs={12} sm={6}>
            {lifetimeField(
              'mp-plan-default-maxKeyLifetimeDays',
              state.defaultPlan.maxKeyLifetimeDays,
              errors.defaultPlan.maxKeyLifetimeDays,
              setDefault('maxKeyLifetimeDays'),
            )}
          </Grid>
          <Grid item xs={12}>
            <TextField
              id="mp-plan-default-description"
              label={t('publishForm.planDescriptionOptional')}
              placeholder={t('publishForm.theLimitsTheModelWas')}
              fullWidth
              variant="outlined"
              size="small"
              value={state.defaultPlan.description}
              onChange={setDefault('description')}
              InputProps={inputProps}
              error={!!errors.defaultPlan.description}
              helperText={errors.defaultPlan.description ?? ' '}
              disabled={disabled}
            />
          </Grid>
        </Grid>
      </fieldset>
      {state.plans.map(planBox)}
    </div>
  );
}
