import { useState } from 'react';
import Button from '@material-ui/core/Button';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import Alert from '@material-ui/lab/Alert';
import {
  InfoCard,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import {
  type Budget,
  type ChargebackReport,
} from '@model-publishing/plugin-model-publishing-common';
import { modelCostsApiRef } from '../../api/ModelCostsApi';
import { CardEmptyState } from '../common/CardEmptyState';
import { formatDateTime, formatNumber } from '../common/format';
import { Sparkline } from '../UsageCards/LineChart';
import { ConfirmDialog } from '../common/ConfirmDialog';
import { BudgetDialog } from './BudgetDialog';
import {
  budgetCandidates,
  budgetRows,
  budgetSeverity,
  formatCost,
  monthLabel,
} from './costs';

/** The costs page's styles, shared by its cards. */
export const useCostsStyles = makeStyles(theme => ({
  toolbar: {
    display: 'flex',
    alignItems: 'center',
    flexWrap: 'wrap',
    gap: theme.spacing(1),
    marginBottom: theme.spacing(2),
  },
  spacer: { flexGrow: 1 },
  // on the page's grey background the default secondary label colour is below 4.5:1 (axe color-contrast)
  monthLabel: { color: theme.palette.text.primary },
  scroll: { overflowX: 'auto' },
  name: { whiteSpace: 'nowrap' },
  over: { color: theme.palette.error.main, fontWeight: 'bold' },
  near: { color: theme.palette.warning.main, fontWeight: 'bold' },
  srOnly: {
    position: 'absolute',
    width: 1,
    height: 1,
    overflow: 'hidden',
    clip: 'rect(0 0 0 0)',
    whiteSpace: 'nowrap',
  },
}));

/** How many of the month's keys the page lists (costliest first); the rest are in the totals. */
export const KEYS_SHOWN = 20;

/** A formatter of amounts in the report's currency. */
const costIn = (currency: string) => (amount: number) =>
  formatCost(amount, currency);

function lineName(line: ChargebackReport['lines'][number]): string {
  if (line.ref === 'unattributed') return 'Unattributed (no consumer found)';
  return line.title ? `${line.title} (${line.ref})` : line.ref;
}

export function ChargebackCard(props: {
  report: ChargebackReport;
  admin: boolean;
  budgets: Budget[];
}) {
  const classes = useCostsStyles();
  const { report } = props;
  const cost = costIn(report.currency);
  return (
    <InfoCard
      title={`Costs in ${monthLabel(report.month)}`}
      subheader={
        props.admin
          ? 'Every consumer'
          : 'The groups you belong to and what is under them'
      }
    >
      <Typography variant="h6" component="p" gutterBottom>
        Total: <strong>{cost(report.total)}</strong>
      </Typography>
      {report.lines.length === 0 ? (
        <CardEmptyState
          title={`No costs in ${monthLabel(report.month)}`}
          description="Traffic on priced models shows here. Prices are set per publication (publish form) or for the whole portal (modelPublishing.usage.prices)."
        />
      ) : (
        <div className={classes.scroll}>
          <Table size="small" aria-label="Costs per consumer">
            <TableHead>
              <TableRow>
                <TableCell>Consumer</TableCell>
                <TableCell>Kind</TableCell>
                <TableCell align="right">Total</TableCell>
                <TableCell align="right">Own keys</TableCell>
                <TableCell align="right">Requests</TableCell>
                <TableCell align="right">Tokens in</TableCell>
                <TableCell align="right">Tokens out</TableCell>
                <TableCell>Per day</TableCell>
              </TableRow>
            </TableHead>
            <TableBody>
              {report.lines.map(line => (
                <TableRow key={`${line.parent ?? ''}>${line.ref}`}>
                  <TableCell
                    component="th"
                    scope="row"
                    className={classes.name}
                    style={{ paddingLeft: 16 + line.depth * 24 }}
                  >
                    {line.depth > 0 && <span aria-hidden="true">{'└ '}</span>}
                    {lineName(line)}
                  </TableCell>
                  <TableCell>{line.kind}</TableCell>
                  <TableCell align="right">{cost(line.totalCost)}</TableCell>
                  <TableCell align="right">{cost(line.ownCost)}</TableCell>
                  <TableCell align="right">
                    {formatNumber(line.requests)}
                  </TableCell>
                  <TableCell align="right">
                    {formatNumber(line.inputTokens)}
                  </TableCell>
                  <TableCell align="right">
                    {formatNumber(line.outputTokens)}
                  </TableCell>
                  <TableCell>
                    <Sparkline
                      values={line.costPerDay}
                      label={`Cost per day of ${line.ref}`}
                    />
                  </TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </div>
      )}
    </InfoCard>
  );
}

export function ProvidersCard(props: { report: ChargebackReport }) {
  const { report } = props;
  const cost = costIn(report.currency);
  return (
    <InfoCard title="Charged per owning team">
      <Table size="small" aria-label="Costs per owning team">
        <TableHead>
          <TableRow>
            <TableCell>Team owning the models</TableCell>
            <TableCell align="right">Charged</TableCell>
          </TableRow>
        </TableHead>
        <TableBody>
          {report.providers.map(p => (
            <TableRow key={p.owner}>
              <TableCell component="th" scope="row">
                {p.owner}
              </TableCell>
              <TableCell align="right">{cost(p.cost)}</TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
    </InfoCard>
  );
}

export function KeysCard(props: { report: ChargebackReport }) {
  const classes = useCostsStyles();
  const { report } = props;
  const keys = [...report.keys].sort((a, b) => b.cost - a.cost);
  const cost = costIn(report.currency);
  return (
    <InfoCard title="Costliest keys">
      {keys.length === 0 ? (
        <CardEmptyState title="No key cost anything this month" />
      ) : (
        <div className={classes.scroll}>
          <Table size="small" aria-label="Costs per key">
            <TableHead>
              <TableRow>
                <TableCell>Key</TableCell>
                <TableCell>Model</TableCell>
                <TableCell>Consumer</TableCell>
                <TableCell align="right">Cost</TableCell>
              </TableRow>
            </TableHead>
            <TableBody>
              {keys.slice(0, KEYS_SHOWN).map(k => (
                <TableRow key={`${k.publicationId}/${k.clientId}`}>
                  <TableCell component="th" scope="row">
                    {k.keyName ?? (k.clientId || 'No valid key')}
                  </TableCell>
                  <TableCell>{k.model}</TableCell>
                  <TableCell>{k.consumer}</TableCell>
                  <TableCell align="right">{cost(k.cost)}</TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
          {keys.length > KEYS_SHOWN && (
            <Typography variant="caption" color="textSecondary">
              The {KEYS_SHOWN} costliest of {keys.length} keys.
            </Typography>
          )}
        </div>
      )}
    </InfoCard>
  );
}

export function BudgetsCard(props: {
  report: ChargebackReport;
  budgets: Budget[] | undefined;
  loading: boolean;
  error: Error | undefined;
  canEdit: boolean;
  onChanged: () => void;
}) {
  const classes = useCostsStyles();
  const api = useApi(modelCostsApiRef);
  const { report } = props;
  const [editing, setEditing] = useState<{ budget?: Budget } | undefined>();
  const [removing, setRemoving] = useState<Budget | undefined>();
  const rows = budgetRows(props.budgets ?? [], report);
  const cost = costIn(report.currency);

  let body: JSX.Element;
  if (props.error)
    body = (
      <ResponseErrorPanel error={props.error} title="Could not load budgets" />
    );
  else if (props.loading && !props.budgets) body = <Progress />;
  else if (rows.length === 0)
    body = (
      <CardEmptyState
        title="No budgets set"
        description={
          props.canEdit
            ? 'Set a monthly budget for a group, component or user: they and the owners of the models they use are notified at 80 % and 100 %.'
            : 'Costs admins set monthly budgets; yours will show here.'
        }
      />
    );
  else
    body = (
      <div className={classes.scroll}>
        <Table size="small" aria-label="Budgets per consumer">
          <TableHead>
            <TableRow>
              <TableCell>Consumer</TableCell>
              <TableCell align="right">Monthly budget</TableCell>
              <TableCell align="right">
                Spent in {monthLabel(report.month)}
              </TableCell>
              <TableCell align="right">Used</TableCell>
              <TableCell>Set by</TableCell>
              {props.canEdit && (
                <TableCell>
                  <span className={classes.srOnly}>Actions</span>
                </TableCell>
              )}
            </TableRow>
          </TableHead>
          <TableBody>
            {rows.map(row => {
              const severity = budgetSeverity(row.percent);
              return (
                <TableRow key={row.budget.consumerRef}>
                  <TableCell component="th" scope="row">
                    {row.title
                      ? `${row.title} (${row.budget.consumerRef})`
                      : row.budget.consumerRef}
                  </TableCell>
                  <TableCell align="right">
                    {cost(row.budget.monthlyAmount)}
                  </TableCell>
                  <TableCell align="right">{cost(row.spent)}</TableCell>
                  <TableCell
                    align="right"
                    className={
                      {
                        error: classes.over,
                        warning: classes.near,
                        ok: undefined,
                      }[severity]
                    }
                  >
                    {row.percent} %{severity === 'error' && ' (over budget)'}
                    {severity === 'warning' && ' (near budget)'}
                  </TableCell>
                  <TableCell>
                    {row.budget.updatedBy},{' '}
                    {formatDateTime(row.budget.updatedAt)}
                  </TableCell>
                  {props.canEdit && (
                    <TableCell>
                      <Button
                        size="small"
                        onClick={() => setEditing({ budget: row.budget })}
                        aria-label={`Edit budget of ${row.budget.consumerRef}`}
                      >
                        Edit
                      </Button>
                      <Button
                        size="small"
                        onClick={() => setRemoving(row.budget)}
                        aria-label={`Remove budget of ${row.budget.consumerRef}`}
                      >
                        Remove
                      </Button>
                    </TableCell>
                  )}
                </TableRow>
              );
            })}
          </TableBody>
        </Table>
      </div>
    );

  return (
    <InfoCard
      title="Budgets"
      action={
        props.canEdit ? (
          <Button
            variant="outlined"
            size="small"
            onClick={() => setEditing({})}
            style={{ marginTop: 8, marginRight: 8 }}
          >
            Set a budget
          </Button>
        ) : undefined
      }
    >
      {!props.canEdit && rows.length > 0 && (
        <Alert severity="info" style={{ marginBottom: 8 }}>
          Budgets are set by costs admins.
        </Alert>
      )}
      {body}
      <BudgetDialog
        open={!!editing}
        budget={editing?.budget}
        candidates={budgetCandidates(report)}
        currency={report.currency}
        onClose={() => setEditing(undefined)}
        onSave={async (consumerRef, monthlyAmount) => {
          await api.setBudget({ consumerRef, monthlyAmount });
          setEditing(undefined);
          props.onChanged();
        }}
      />
      <ConfirmDialog
        open={!!removing}
        title={`Remove the budget of ${removing?.consumerRef ?? ''}`}
        confirmLabel="Remove budget"
        danger
        onClose={() => setRemoving(undefined)}
        onConfirm={async () => {
          await api.removeBudget(removing!.consumerRef);
          setRemoving(undefined);
          props.onChanged();
        }}
      >
        <Typography variant="body2">
          {removing?.consumerRef} will have no monthly budget: no more budget
          notifications for it. Its costs stay on this page.
        </Typography>
      </ConfirmDialog>
    </InfoCard>
  );
}
