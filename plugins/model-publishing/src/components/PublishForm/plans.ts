import {
  DEFAULT_PLAN_NAME,
  PlanApproval,
  PlanInput,
  PublishConfig,
  PublishableModelKind,
  RateLimits,
  describeZodError,
  planInputSchema,
  plansInputSchema,
} from '@model-publishing/plugin-model-publishing-common';
import {
  LIMIT_LABELS,
  LimitField,
  REQUEST_LIMIT_FIELDS,
  TOKEN_LIMIT_FIELDS,
  limitProblem,
} from './formState';

/** A plan as the form holds it: text as typed, so errors can name the field. */
export interface PlanValues extends Record<LimitField, string> {
  /** Stable across edits and removals of other plans (React keys, input ids). */
  key: string;
  name: string;
  description: string;
  approval: PlanApproval;
  maxKeyLifetimeDays: string;
}

/** The default plan's own settings: its limits are the publication's, set above it in the form. */
export interface DefaultPlanValues {
  description: string;
  approval: PlanApproval;
  maxKeyLifetimeDays: string;
}

export type PlanField = Exclude<keyof PlanValues, 'key'>;
export type PlanErrors = Partial<Record<PlanField, string>>;

export interface PlansState {
  defaultPlan: DefaultPlanValues;
  plans: PlanValues[];
}

export interface PlansErrors {
  defaultPlan: Partial<Record<keyof DefaultPlanValues, string>>;
  /** Same order as the plans. */
  plans: PlanErrors[];
}

export const MAX_PLANS = 20;

const LIMIT_FIELDS: LimitField[] = [
  ...REQUEST_LIMIT_FIELDS,
  ...TOKEN_LIMIT_FIELDS,
];
const text = (n: number | undefined) => (n === undefined ? '' : String(n));

let nextKey = 0;
const newKey = () => `plan-${++nextKey}`;

export function emptyPlan(): PlanValues {
  const plan = {
    key: newKey(),
    name: '',
    description: '',
    approval: 'manual',
    maxKeyLifetimeDays: '',
  } as PlanValues;
  for (const field of LIMIT_FIELDS) plan[field] = '';
  return plan;
}

export function initialPlans(
  config?: Pick<PublishConfig, 'plans'>,
): PlansState {
  const configured = config?.plans ?? [];
  const own = configured.find(p => p.name === DEFAULT_PLAN_NAME);
  return {
    defaultPlan: {
      description: own?.description ?? '',
      approval: own?.approval ?? 'manual',
      maxKeyLifetimeDays: text(own?.maxKeyLifetimeDays),
    },
    plans: configured
      .filter(p => p.name !== DEFAULT_PLAN_NAME)
      .map(p => {
        const plan: PlanValues = {
          ...emptyPlan(),
          name: p.name,
          description: p.description ?? '',
          approval: p.approval ?? 'manual',
          maxKeyLifetimeDays: text(p.maxKeyLifetimeDays),
        };
        for (const field of LIMIT_FIELDS)
          plan[field] = text(p.rateLimits?.[field]);
        return plan;
      }),
  };
}

/** Limit fields a plan of this kind has: token limits only for OpenAI-compatible models. */
export function planLimitFields(
  kind: PublishableModelKind | undefined,
): LimitField[] {
  return kind === 'openai' ? LIMIT_FIELDS : [...REQUEST_LIMIT_FIELDS];
}

function lifetimeProblem(raw: string): string | undefined {
  if (raw === '') return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > 3650)
    return 'The longest key lifetime must be a whole number of days from 1 to 3650 (leave it empty for no limit)';
  return undefined;
}

const NAME_PROBLEM =
  'The plan name must be 1-40 lower-case letters, digits or dashes, starting and ending with a letter or digit';

/**
 * The publish config's `plans` from the form, or errors per field in the form's words. Mirrors the
 * backend: the default plan has no limits of its own (the publication's) and is sent only when its
 * approval, lifetime or description differ from the defaults; names are unique and `default` is taken;
 * token limits only for LLMs (dropped otherwise, like the publication's). Pure.
 */
export function plansToConfig(
  state: PlansState,
  kind: PublishableModelKind | undefined,
): { plans?: PlanInput[]; errors: PlansErrors; valid: boolean } {
  const errors: PlansErrors = { defaultPlan: {}, plans: [] };
  const plans: PlanInput[] = [];

  const d = state.defaultPlan;
  const dLifetime = lifetimeProblem(d.maxKeyLifetimeDays.trim());
  if (dLifetime) errors.defaultPlan.maxKeyLifetimeDays = dLifetime;
  if (d.description.trim().length > 500)
    errors.defaultPlan.description =
      'The description must be at most 500 characters';
  if (
    d.approval !== 'manual' ||
    d.maxKeyLifetimeDays.trim() !== '' ||
    d.description.trim() !== ''
  ) {
    plans.push({
      name: DEFAULT_PLAN_NAME,
      approval: d.approval,
      ...(d.description.trim() ? { description: d.description.trim() } : {}),
      ...(d.maxKeyLifetimeDays.trim() && !dLifetime
        ? { maxKeyLifetimeDays: Number(d.maxKeyLifetimeDays.trim()) }
        : {}),
    });
  }

  const names = state.plans.map(p => p.name.trim());
  state.plans.forEach((p, i) => {
    const planErrors: PlanErrors = {};
    const name = names[i];
    if (name === '') planErrors.name = 'Give the plan a name, e.g. trial';
    else if (name === DEFAULT_PLAN_NAME)
      planErrors.name =
        'The default plan is the one above (the publication’s own limits): choose another name';
    else if (!planInputSchema.shape.name.safeParse(name).success)
      planErrors.name = NAME_PROBLEM;
    else if (names.indexOf(name) !== i)
      planErrors.name = `Another plan is already named ${name}`;
    if (p.description.trim().length > 500)
      planErrors.description = 'The description must be at most 500 characters';
    const lifetime = lifetimeProblem(p.maxKeyLifetimeDays.trim());
    if (lifetime) planErrors.maxKeyLifetimeDays = lifetime;
    const rateLimits: RateLimits = {};
    for (const field of planLimitFields(kind)) {
      const raw = p[field].trim();
      if (raw === '') continue;
      const problem = limitProblem(LIMIT_LABELS[field], raw);
      if (problem) planErrors[field] = problem;
      else rateLimits[field] = Number(raw);
    }
    errors.plans.push(planErrors);
    plans.push({
      name,
      ...(p.description.trim() ? { description: p.description.trim() } : {}),
      rateLimits,
      approval: p.approval,
      ...(p.maxKeyLifetimeDays.trim() && !lifetime
        ? { maxKeyLifetimeDays: Number(p.maxKeyLifetimeDays.trim()) }
        : {}),
    });
  });

  const valid =
    Object.keys(errors.defaultPlan).length === 0 &&
    errors.plans.every(e => Object.keys(e).length === 0);
  if (!valid) return { errors, valid };
  // The backend's own schema has the last word (limits on the list, rules no field states).
  const parsed = plansInputSchema.safeParse(plans);
  if (!parsed.success) {
    errors.defaultPlan.description = describeZodError(parsed.error);
    return { errors, valid: false };
  }
  return plans.length > 0 ? { plans, errors, valid } : { errors, valid };
}

/** One line per plan for the dry-run preview and read-only views: what a key on it may do. */
export function planSummary(
  plan: Pick<PlanInput, 'rateLimits' | 'approval' | 'maxKeyLifetimeDays'>,
  fallback: RateLimits = {},
): { limits: string; approval: string; lifetime: string } {
  const limits = { ...fallback, ...(plan.rateLimits ?? {}) };
  const parts = LIMIT_FIELDS.filter(f => limits[f] !== undefined).map(
    f =>
      `${limits[f]!.toLocaleString('en-US')} ${LIMIT_LABELS[f]
        .toLowerCase()
        .replace(/^(requests|tokens) per /, '$1/')}`,
  );
  return {
    limits: parts.length ? parts.join(', ') : 'no limit',
    approval:
      (plan.approval ?? 'manual') === 'automatic'
        ? 'automatic (key at once)'
        : 'manual (owners approve)',
    lifetime: plan.maxKeyLifetimeDays
      ? `keys live at most ${plan.maxKeyLifetimeDays} days`
      : 'no lifetime limit',
  };
}
