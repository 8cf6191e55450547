import { MouseEvent, useState } from 'react';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Grid from '@material-ui/core/Grid';
import IconButton from '@material-ui/core/IconButton';
import TextField from '@material-ui/core/TextField';
import ChevronLeftIcon from '@material-ui/icons/ChevronLeft';
import ChevronRightIcon from '@material-ui/icons/ChevronRight';
import GetAppIcon from '@material-ui/icons/GetApp';
import { Progress, ResponseErrorPanel } from '@backstage/core-components';
import { ToolPage } from '../common/ToolPage';
import { useApi } from '@backstage/core-plugin-api';
import { usePermission } from '@backstage/plugin-permission-react';
import useAsync from 'react-use/esm/useAsync';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { costsAdminPermission } from '@model-publishing/plugin-model-publishing-common';
import { modelCostsApiRef } from '../../api/ModelCostsApi';
import { useCsvDownload } from '../common/download';
import { isMonth, monthLabel, monthOf, shiftMonth } from './costs';
import {
  BudgetsCard,
  ChargebackCard,
  KeysCard,
  ProvidersCard,
  useCostsStyles,
} from './CostsCards';

/**
 * Costs (`/model-costs`): one month of what consumers' keys cost, rolled up the catalog's org graph
 * (user → group → parent group; component → system → domain), with the CSV of the same table, what the
 * owning teams' models were charged (admins), and monthly budgets per consumer (set by costs admins).
 */
export function CostsPage() {
  const classes = useCostsStyles();
  const api = useApi(modelCostsApiRef);
  const downloadCsv = useCsvDownload();
  const thisMonth = monthOf(new Date());
  const [month, setMonth] = useState(thisMonth);
  const [typed, setTyped] = useState(thisMonth);
  const admin = usePermission({ permission: costsAdminPermission });

  const report = useAsync(() => api.getChargeback(month), [api, month]);
  const csvUrl = useAsync(() => api.getChargebackCsvUrl(month), [api, month]);
  const budgets = useAsyncRetry(() => api.listBudgets(), [api]);

  const go = (next: string) => {
    setTyped(next);
    if (isMonth(next) && next <= thisMonth) setMonth(next);
  };

  const download = async (event: MouseEvent) => {
    // The link's href is the CSV route; the page fetches it with the user's credentials.
    event.preventDefault();
    await downloadCsv(`costs-${month}.csv`, () =>
      api.downloadChargebackCsv(month),
    );
  };

  return (
    <ToolPage
      title="Costs"
      subtitle="What published models cost their consumers, per month, rolled up your organisation"
    >
      <Box className={classes.toolbar}>
        <IconButton
          aria-label="Previous month"
          onClick={() => go(shiftMonth(month, -1))}
          size="small"
        >
          <ChevronLeftIcon />
        </IconButton>
        <TextField
          id="costs-month"
          label="Month"
          type="month"
          variant="outlined"
          size="small"
          value={typed}
          onChange={e => go(e.target.value)}
          inputProps={{ max: thisMonth }}
          InputLabelProps={{ shrink: true, className: classes.monthLabel }}
          error={typed !== '' && (!isMonth(typed) || typed > thisMonth)}
          helperText={
            typed !== '' && isMonth(typed) && typed > thisMonth
              ? 'Choose this month or an earlier one'
              : undefined
          }
        />
        <IconButton
          aria-label="Next month"
          onClick={() => go(shiftMonth(month, 1))}
          disabled={month >= thisMonth}
          size="small"
        >
          <ChevronRightIcon />
        </IconButton>
        <span className={classes.spacer} />
        <Button
          variant="outlined"
          size="small"
          startIcon={<GetAppIcon />}
          href={csvUrl.value ?? '#'}
          download={`costs-${month}.csv`}
          onClick={download}
          disabled={!report.value}
        >
          Download CSV
        </Button>
      </Box>
      {report.error && (
        <ResponseErrorPanel
          error={report.error}
          title={`Could not load the costs of ${monthLabel(month)}`}
        />
      )}
      {report.loading && <Progress />}
      {report.value && !report.loading && (
        <Grid container spacing={3}>
          <Grid item xs={12}>
            <ChargebackCard
              report={report.value}
              admin={admin.allowed}
              budgets={budgets.value ?? []}
            />
          </Grid>
          {admin.allowed && report.value.providers.length > 0 && (
            <Grid item xs={12} md={6}>
              <ProvidersCard report={report.value} />
            </Grid>
          )}
          <Grid item xs={12} md={admin.allowed ? 6 : 12}>
            <KeysCard report={report.value} />
          </Grid>
          <Grid item xs={12}>
            <BudgetsCard
              report={report.value}
              budgets={budgets.value}
              loading={budgets.loading}
              error={budgets.error}
              canEdit={admin.allowed}
              onChanged={budgets.retry}
            />
          </Grid>
        </Grid>
      )}
    </ToolPage>
  );
}
