import type { ReactNode } from 'react';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Grid from '@material-ui/core/Grid';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import AddIcon from '@material-ui/icons/Add';
import type { PublishableModelKind } from '@model-publishing/plugin-model-publishing-common';
import { FormField, LimitInput } from './FormField';
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

/** One plan's box: its title as the legend, its fields in a grid, and any actions below. */
function PlanFieldset(props: {
  title: string;
  children: ReactNode;
  actions?: ReactNode;
}) {
  const classes = useStyles();
  return (
    <fieldset className={classes.plan}>
      <legend className={classes.legend}>
        <Typography variant="body2" component="span">
          {props.title}
        </Typography>
      </legend>
      <Grid container spacing={1}>
        {props.children}
      </Grid>
      {props.actions}
    </fieldset>
  );
}

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
    <Grid item xs={12} sm={6}>
      <FormField
        id={id}
        select
        SelectProps={{ native: true }}
        label={t('publishForm.approval')}
        value={value}
        onChange={onChange}
        readOnly={readOnly}
        disabled={disabled || readOnly}
      >
        <option value="manual">{t('publishForm.ownersApprove')}</option>
        <option value="automatic">{t('publishForm.keyAtOnce')}</option>
      </FormField>
    </Grid>
  );
  const lifetimeField = (
    id: string,
    value: string,
    error: string | undefined,
    onChange: (e: { target: { value: string } }) => void,
  ) => (
    <Grid item xs={12} sm={6}>
      <FormField
        id={id}
        label={t('publishForm.longestKeyLifetimeDays')}
        type="number"
        inputProps={{ min: 1, max: 3650, step: 1 }}
        readOnly={readOnly}
        emptyMeans="No limit"
        value={value}
        onChange={onChange}
        error={error}
        help={readOnly ? ' ' : 'Empty: keys need not expire'}
        disabled={disabled}
      />
    </Grid>
  );

  const planBox = (plan: PlanValues, index: number) => {
    const e = errors.plans[index] ?? {};
    const id = (field: string) => `mp-${plan.key}-${field}`;
    const title = plan.name.trim()
      ? `Plan ${plan.name.trim()}`
      : `New plan ${index + 1}`;
    const textField = (
      field: 'name' | 'description',
      label: string,
      help?: string,
    ) => (
      <Grid item xs={12} sm={6}>
        <FormField
          id={id(field)}
          label={label}
          value={plan[field]}
          onChange={setPlan(index, field)}
          readOnly={readOnly}
          error={e[field]}
          help={help}
          disabled={disabled}
        />
      </Grid>
    );
    return (
      <PlanFieldset
        key={plan.key}
        title={title}
        actions={
          !readOnly && (
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
          )
        }
      >
        {textField(
          'name',
          t('publishForm.planName'),
          'Lower-case letters, digits, dashes',
        )}
        {approvalField(
          id('approval'),
          plan.approval,
          setPlan(index, 'approval'),
        )}
        {textField('description', t('publishForm.planDescriptionOptional'))}
        {lifetimeField(
          id('maxKeyLifetimeDays'),
          plan.maxKeyLifetimeDays,
          e.maxKeyLifetimeDays,
          setPlan(index, 'maxKeyLifetimeDays'),
        )}
        {limitFields.map(field => (
          <LimitInput
            key={field}
            id={id(field)}
            field={field}
            value={plan[field]}
            onChange={setPlan(index, field)}
            error={e[field]}
            disabled={disabled}
            readOnly={readOnly}
            emptyMeans="Default plan’s"
          />
        ))}
      </PlanFieldset>
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
      <PlanFieldset title={t('publishForm.planDefaultTheLimitsAbove')}>
        {approvalField(
          'mp-plan-default-approval',
          state.defaultPlan.approval,
          setDefault('approval'),
        )}
        {lifetimeField(
          'mp-plan-default-maxKeyLifetimeDays',
          state.defaultPlan.maxKeyLifetimeDays,
          errors.defaultPlan.maxKeyLifetimeDays,
          setDefault('maxKeyLifetimeDays'),
        )}
        <Grid item xs={12}>
          <FormField
            id="mp-plan-default-description"
            label={t('publishForm.planDescriptionOptional')}
            placeholder={t('publishForm.theLimitsTheModelWas')}
            value={state.defaultPlan.description}
            onChange={setDefault('description')}
            readOnly={readOnly}
            error={errors.defaultPlan.description}
            disabled={disabled}
          />
        </Grid>
      </PlanFieldset>
      {state.plans.map(planBox)}
    </div>
  );
}
