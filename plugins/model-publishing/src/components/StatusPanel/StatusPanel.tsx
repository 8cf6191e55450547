import Box from '@material-ui/core/Box';
import Step from '@material-ui/core/Step';
import StepLabel from '@material-ui/core/StepLabel';
import Stepper from '@material-ui/core/Stepper';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import Alert from '@material-ui/lab/Alert';
import { InfoCard } from '@backstage/core-components';
import type { Publication } from '@model-publishing/plugin-model-publishing-common';
import type { ModelInfo } from '../../api/types';
import { isTransitional } from '../../hooks/useModel';
import { PublicationStatusLabel } from '../common/StatusChip';
import { GatedButton } from '../common/GatedButton';
import { EndpointList } from './EndpointList';
import { activeStep, publishSteps } from './publishSteps';
import { useTranslationRef } from '@backstage/frontend-plugin-api';
import { modelPublishingTranslationRef } from '../../translation';

const useStyles = makeStyles(theme => ({
  row: {
    display: 'flex',
    gap: theme.spacing(2),
    alignItems: 'baseline',
    flexWrap: 'wrap',
  },
  section: { marginTop: theme.spacing(2) },
}));

export interface StatusPanelProps {
  model: ModelInfo;
  publication?: Publication;
  /** Re-runs the last publish for a failed publication. */
  onRetry?: () => void;
  retrying?: boolean;
  canRetry: boolean;
  retryDeniedReason: string;
}

const KIND_LABELS: Record<string, string> = {
  openai: 'OpenAI-compatible (LLM)',
  v1: 'KServe v1 predict',
  v2: 'Open Inference Protocol (v2)',
  grpc: 'gRPC',
  unknown: 'Unknown',
};

export function kindLabel(kind: string): string {
  return KIND_LABELS[kind] ?? kind;
}

/** Status of the model's publication: steps while working, endpoints when live, the reason when not. */
export function StatusPanel(props: StatusPanelProps) {
  const { t } = useTranslationRef(modelPublishingTranslationRef);
  const classes = useStyles();
  const { model, publication } = props;
  const status = publication?.status ?? 'unpublished';
  const kind = publication?.modelKind ?? model.detection.kind;
  const steps =
    publication && isTransitional(status)
      ? publishSteps(publication.modelKind, status, publication.objects)
      : [];

  return (
    <InfoCard title={t('publishTab.publication')}>
      <div className={classes.row}>
        <Typography variant="subtitle2">Status:</Typography>
        <PublicationStatusLabel status={status} />
        <Typography variant="subtitle2">Model kind:</Typography>
        <Typography variant="body2">{kindLabel(kind)}</Typography>
      </div>
      <Typography
        variant="body2"
        color="textSecondary"
        className={classes.section}
      >
        {model.detection.reason}
      </Typography>
      {!model.ready && (
        <Alert severity="warning" className={classes.section}>
          The InferenceService is not ready
          {model.readyMessage ? `: ${model.readyMessage}` : '.'}
        </Alert>
      )}

      {steps.length > 0 && (
        <Box className={classes.section}>
          <Typography variant="subtitle2">
            {t('publishTab.progress')}
          </Typography>
          <Stepper
            activeStep={activeStep(steps)}
            orientation="vertical"
            aria-label={t('publishTab.publishingProgress')}
          >
            {steps.map(step => (
              <Step key={step.kind} completed={step.done}>
                <StepLabel
                  optional={
                    step.name ? (
                      <code>
                        {step.kind}/{step.name}
                      </code>
                    ) : undefined
                  }
                >
                  {step.label}
                </StepLabel>
              </Step>
            ))}
          </Stepper>
        </Box>
      )}

      {(status === 'failed' || status === 'degraded') && (
        <Alert
          severity={status === 'failed' ? 'error' : 'warning'}
          className={classes.section}
          action={
            status === 'failed' && props.onRetry ? (
              <GatedButton
                allowed={props.canRetry}
                deniedReason={props.retryDeniedReason}
                color="inherit"
                size="small"
                onClick={props.onRetry}
                disabled={props.retrying}
              >
                {t('publishTab.retry')}
              </GatedButton>
            ) : undefined
          }
        >
          {status === 'failed'
            ? 'Publishing failed'
            : 'The publication is degraded'}
          {publication?.statusReason ? `: ${publication.statusReason}` : '.'}
        </Alert>
      )}

      {publication && status !== 'unpublished' && (
        <Box className={classes.section}>
          <Typography variant="subtitle2">
            {t('publishTab.endpoints')}
          </Typography>
          <EndpointList endpoints={publication.endpoints} />
        </Box>
      )}
      {status === 'unpublished' && (
        <Typography variant="body2" className={classes.section}>
          {t('publishTab.thisModelIsNotReachable')}
        </Typography>
      )}
    </InfoCard>
  );
}
