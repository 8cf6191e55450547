import type { ReactNode } from 'react';
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
import { diffObjects, type ObjectChange } from './objectDiff';
import { useTranslationRef } from '@backstage/frontend-plugin-api';
import { modelPublishingTranslationRef } from '../../translation';

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

/** Added and removed lines' backgrounds (the +/- prefix carries the meaning; colour only helps). */
const LINE_BACKGROUND: Record<' ' | '+' | '-', string | undefined> = {
  ' ': undefined,
  '+': 'rgba(46, 160, 67, 0.2)',
  '-': 'rgba(248, 81, 73, 0.2)',
};

const CHANGE_LABEL: Record<ObjectChange['change'], string> = {
  added: 'new',
  removed: 'removed',
  changed: 'changed',
  unchanged: 'unchanged',
};

/** The backend's notes: what it decided from what (deployment mode, policies around the route, unread facts). */
function Notes(props: { notes?: string[] }) {
  const { t } = useTranslationRef(modelPublishingTranslationRef);
  if (!props.notes?.length) return null;
  return (
    <div style={{ marginBottom: 16 }}>
      <Typography variant="subtitle2" component="h4" gutterBottom>
        {t('publishForm.whatTheBackendDecidedAnd')}
      </Typography>
      <ul
        aria-label={t('publishForm.dryRunNotes')}
        style={{ margin: 0, paddingLeft: 20 }}
      >
        {props.notes.map(note => (
          <li key={note}>
            <Typography variant="body2">{note}</Typography>
          </li>
        ))}
      </ul>
    </div>
  );
}

/** One object of a preview: kind, name and a note, expanding (mounted only while open) to its text. */
function ObjectAccordion(props: {
  id: string;
  kind: string;
  name: string;
  note: string;
  /** Names the expanded text for assistive technology. */
  codeLabel?: string;
  children: ReactNode;
}) {
  return (
    <Accordion TransitionProps={{ unmountOnExit: true }}>
      <AccordionSummary
        expandIcon={<ExpandMoreIcon />}
        aria-controls={`${props.id}-content`}
        id={`${props.id}-header`}
      >
        <Typography variant="body2">
          <strong>{props.kind}</strong> {props.name}{' '}
          <Typography component="span" variant="caption" color="textSecondary">
            {props.note}
          </Typography>
        </Typography>
      </AccordionSummary>
      <AccordionDetails>
        <pre
          aria-label={props.codeLabel}
          style={{ margin: 0, overflowX: 'auto', fontSize: 12, width: '100%' }}
        >
          {props.children}
        </pre>
      </AccordionDetails>
    </Accordion>
  );
}

/** An update's preview: each object with what changes, as a line diff against what runs. */
function UpdateDiff(props: {
  current: KubernetesObject[];
  objects: KubernetesObject[];
}) {
  const { t } = useTranslationRef(modelPublishingTranslationRef);
  const changes = diffObjects(props.current, props.objects);
  const touched = changes.filter(c => c.change !== 'unchanged');
  return (
    <div aria-label={t('publishForm.changesTheUpdateWillApply')}>
      <Typography variant="subtitle2" gutterBottom>
        {touched.length === 0
          ? 'Nothing changes: what runs already matches these settings.'
          : `${touched.length} of ${changes.length} objects change (compared with what the current settings run):`}
      </Typography>
      {changes.map((c, index) => (
        <ObjectAccordion
          key={`${c.kind}/${c.name}/${index}`}
          id={`dry-run-diff-${index}`}
          kind={c.kind}
          name={c.name}
          note={`${CHANGE_LABEL[c.change]}${
            c.change === 'changed'
              ? ` · ${c.added} line${c.added === 1 ? '' : 's'} added, ${
                  c.removed
                } removed`
              : ''
          }`}
          codeLabel={t('publishForm.diffOf', { kind: c.kind, name: c.name })}
        >
          {c.lines.map((line, i) => (
            // The +/- prefix says it without colour; the background only helps the eye.
            <div key={i} style={{ background: LINE_BACKGROUND[line.op] }}>
              {line.op} {line.text}
            </div>
          ))}
        </ObjectAccordion>
      ))}
    </div>
  );
}

/**
 * The plans and the objects a publish would create, each object expandable to its full manifest; for an
 * update (`current` given) each object's diff against what runs. The backend's notes above either.
 */
export function DryRunPreview(props: {
  objects: KubernetesObject[];
  config?: PublishConfig;
  notes?: string[];
  current?: KubernetesObject[];
}) {
  const { t } = useTranslationRef(modelPublishingTranslationRef);
  const plans = props.config ? previewPlans(props.config) : [];
  const base = props.config?.rateLimits ?? {};
  const planTable = plans.length > 0 && (
    <div style={{ overflowX: 'auto', marginBottom: 16 }}>
      <Typography variant="subtitle2" component="h4" gutterBottom>
        Plans consumers may request ({plans.length})
      </Typography>
      <Table size="small" aria-label={t('publishForm.plansInThisPreview')}>
        <TableHead>
          <TableRow>
            <TableCell>{t('publishForm.plan')}</TableCell>
            <TableCell>{t('publishForm.limitsPerKey')}</TableCell>
            <TableCell>{t('publishForm.approval')}</TableCell>
            <TableCell>{t('publishForm.keyLifetime')}</TableCell>
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
        {t('publishForm.eachKeyIssuedOnA')}
      </Typography>
    </div>
  );
  if (props.current) {
    return (
      <>
        <Notes notes={props.notes} />
        {planTable}
        <UpdateDiff current={props.current} objects={props.objects} />
      </>
    );
  }
  if (props.objects.length === 0) {
    return (
      <>
        <Notes notes={props.notes} />
        {planTable}
        <Typography variant="body2">
          {t('publishForm.theDryRunReturnedNo')}
        </Typography>
      </>
    );
  }
  return (
    <div aria-label={t('publishForm.objectsThatWillBeCreated')}>
      <Notes notes={props.notes} />
      {planTable}
      <Typography variant="subtitle2" gutterBottom>
        {props.objects.length} objects will be created, in this order:
      </Typography>
      {props.objects.map((object, index) => {
        const name = object.metadata?.name ?? '(unnamed)';
        const rules = ruleCount(object);
        return (
          <ObjectAccordion
            key={`${object.kind}/${name}/${index}`}
            id={`dry-run-${index}`}
            kind={object.kind}
            name={name}
            note={`${object.apiVersion}${
              rules !== undefined
                ? ` · ${rules} rate-limit rule${rules === 1 ? '' : 's'}`
                : ''
            }`}
          >
            {JSON.stringify(object, null, 2)}
          </ObjectAccordion>
        );
      })}
    </div>
  );
}
