import { useState } from 'react';
import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import GetAppIcon from '@material-ui/icons/GetApp';
import { InfoCard } from '@backstage/core-components';
import { isLoaded, loadingView } from '../common/loadState';
import { useApi } from '@backstage/core-plugin-api';
import useAsync from 'react-use/esm/useAsync';
import type { PublishableModelKind } from '@model-publishing/plugin-model-publishing-common';
import { modelPublishingApiRef } from '../../api/ModelPublishingApi';
import { modelKey } from '../../api/modelAddress';
import type { ModelAddress, UsageReport } from '../../api/types';
import {
  ModelPermissions,
  deniedReason,
} from '../../hooks/useModelPermissions';
import { GatedButton } from '../common/GatedButton';
import { useCsvDownload } from '../common/download';
import { rangeQuery } from './usageRange';
import { customRangeQuery } from './customRange';
import { RangePicker, RangeChoice } from './RangePicker';
import { useTranslationRef } from '@backstage/frontend-plugin-api';
import { modelPublishingTranslationRef } from '../../translation';
import { UsageBody, useUsageStyles } from './UsageBody';

export interface UsageCardsProps {
  address: ModelAddress;
  modelKind: PublishableModelKind;
  permissions: ModelPermissions;
  /** Lets the key table show requests per key for the same range. */
  onReport?: (report: UsageReport) => void;
}

/** The query of a range choice, presets ending now. */
function queryOf(choice: RangeChoice) {
  return choice.preset === 'custom'
    ? customRangeQuery(choice.custom)
    : rangeQuery(choice.preset);
}

function choiceName(choice: RangeChoice): string {
  return choice.preset === 'custom'
    ? `${choice.custom.from}-to-${choice.custom.to}`
    : choice.preset;
}

export function UsageCards(props: UsageCardsProps) {
  const { t } = useTranslationRef(modelPublishingTranslationRef);
  const classes = useUsageStyles();
  const api = useApi(modelPublishingApiRef);
  const downloadCsv = useCsvDownload();
  const { address, permissions, onReport } = props;
  const [choice, setChoice] = useState<RangeChoice>({ preset: '24h' });
  const canRead = permissions.allowed.usage;
  const rangeKey = choiceName(choice);

  const usage = useAsync(async () => {
    if (!canRead) return undefined;
    // series=keys: each key's buckets, for the per-key lines
    const report = await api.getUsage(address, {
      ...queryOf(choice),
      series: 'keys',
    });
    onReport?.(report);
    return report;
  }, [api, modelKey(address), rangeKey, canRead]);

  const download = () =>
    downloadCsv(
      `${address.namespace}-${address.name}-usage-${rangeKey}.csv`,
      () => api.downloadUsageCsv(address, queryOf(choice)),
    );

  const header = (
    <Box className={classes.header}>
      <RangePicker value={choice} onChange={setChoice} />
      <GatedButton
        allowed={canRead}
        deniedReason={deniedReason('read usage', permissions.loading)}
        size="small"
        startIcon={<GetAppIcon />}
        onClick={download}
      >
        {t('usage.downloadCsv')}
      </GatedButton>
    </Box>
  );

  if (!canRead) {
    return (
      <InfoCard title={t('usage.usage')}>
        <Typography variant="body2" color="textSecondary">
          {deniedReason('read usage', permissions.loading)}
        </Typography>
      </InfoCard>
    );
  }

  let body: JSX.Element;
  if (usage.loading || !isLoaded(usage)) {
    body = loadingView(usage, t('usage.couldNotLoadUsage'));
  } else {
    body = <UsageBody report={usage.value} modelKind={props.modelKind} />;
  }

  return (
    <InfoCard title={t('usage.usage')}>
      {header}
      {body}
    </InfoCard>
  );
}
