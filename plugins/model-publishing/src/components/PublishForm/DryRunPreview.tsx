import Accordion from '@material-ui/core/Accordion';
import AccordionDetails from '@material-ui/core/AccordionDetails';
import AccordionSummary from '@material-ui/core/AccordionSummary';
import Typography from '@material-ui/core/Typography';
import ExpandMoreIcon from '@material-ui/icons/ExpandMore';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import {
  DEFAULT_PLAN_NAME,
  PlanInput,
  PublishConfig,
} from '@model-publishing/plugin-model-publishing-common';
import type { KubernetesObject } from '../../api/types';
import { planSummary } from './plans';

/** The plans a config offers, the default plan (the publication's own limits) first. */
export function previewPlans(config: PublishConfig): PlanInput[] {
  const configured = config.plans ?? [];
  const own = configured.find(p => p.name === DEFAULT_PLAN_NAME);
  return [
    {
      ...own,
      name: DEFAULT_PLAN_NAME,
      rateLimits: config.rateLimits ?? {},
    },
    ...configured.filter(p => p.name !== DEFAULT_PLAN_NAME),
  ];
}

/** How many rate-limit rules the one BackendTrafficPolicy holds, for the object's summary line. */
function ruleCount(object: KubernetesObject): number | undefined {
  if (object.kind !== 'BackendTrafficPolicy') return undefined;
  const rateLimit = (object as { spec?: { rateLimit?: Record<string, any> } })
    .spec?.rateLimit;
  const mode = rateLimit?.global ?? rateLimit?.local;
  return Array.isArray(mode?.rules) ? mode.rules.length : 0;
}

/** The plans and the objects a publish would create, each object expandable to its full manifest. */
export function DryRunPreview(props: {
  objects: KubernetesObject[];
  config?: PublishConfig;
}) {
  const plans = props.config ? previewPlans(props.config) : [];
  const base = props.config?.rateLimits ?? {};
  const planTable = plans.length > 0 && (
    <div style={{ overflowX: 'auto', marginBottom: 16 }}>
      <Typography variant="subtitle2" component="h4" gutterBottom>
        Plans consumers may request ({plans.length})
      </Typography>
      <Table size="small" aria-label="Plans in this preview">
        <TableHead>
          <TableRow>
            <TableCell>Plan</TableCell>
            <TableCell>Limits per key</TableCell>
            <TableCell>Approval</TableCell>
            <TableCell>Key lifetime</TableCell>
          </TableRow>
        </TableHead>
        <TableBody>
          {plans.map(plan => {
            const summary = planSummary(
              plan,
              plan.name === DEFAULT_PLAN_NAME ? {} : base,
            );
            return (
              <TableRow key={plan.name}>
                <TableCell component="th" scope="row">
                  <strong>{plan.name}</strong>
                  {plan.description ? (
                    <Typography
                      variant="caption"
                      color="textSecondary"
                      component="div"
                    >
                      {plan.description}
                    </Typography>
                  ) : null}
                </TableCell>
                <TableCell>{summary.limits}</TableCell>
                <TableCell>{summary.approval}</TableCell>
                <TableCell>{summary.lifetime}</TableCell>
              </TableRow>
            );
          })}
        </TableBody>
      </Table>
      <Typography variant="caption" color="textSecondary" component="p">
        Each key issued on a plan gets the plan’s limits as rules of its own in
        the route’s one BackendTrafficPolicy.
      </Typography>
    </div>
  );
  if (props.objects.length === 0) {
    return (
      <>
        {planTable}
        <Typography variant="body2">
          The dry run returned no objects.
        </Typography>
      </>
    );
  }
  return (
    <div aria-label="Objects that will be created">
      {planTable}
      <Typography variant="subtitle2" gutterBottom>
        {props.objects.length} objects will be created, in this order:
      </Typography>
      {props.objects.map((object, index) => {
        const name = object.metadata?.name ?? '(unnamed)';
        const id = `dry-run-${index}`;
        return (
          <Accordion
            key={`${object.kind}/${name}/${index}`}
            TransitionProps={{ unmountOnExit: true }}
          >
            <AccordionSummary
              expandIcon={<ExpandMoreIcon />}
              aria-controls={`${id}-content`}
              id={`${id}-header`}
            >
              <Typography variant="body2">
                <strong>{object.kind}</strong> {name}{' '}
                <Typography
                  component="span"
                  variant="caption"
                  color="textSecondary"
                >
                  {object.apiVersion}
                  {ruleCount(object) !== undefined
                    ? ` · ${ruleCount(object)} rate-limit rule${
                        ruleCount(object) === 1 ? '' : 's'
                      }`
                    : ''}
                </Typography>
              </Typography>
            </AccordionSummary>
            <AccordionDetails>
              <pre
                style={{
                  margin: 0,
                  overflowX: 'auto',
                  fontSize: 12,
                  width: '100%',
                }}
              >
                {JSON.stringify(object, null, 2)}
              </pre>
            </AccordionDetails>
          </Accordion>
        );
      })}
    </div>
  );
}
