import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import {
  CopyTextButton,
  InfoCard,
  Link,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { EntityModel, useEntityModel } from '../../hooks/useEntityModel';
import { useModel } from '../../hooks/useModel';
import { PublicationStatusLabel } from '../common/StatusChip';
import { errorStatus } from '../common/errors';
import { useEntityTabLink } from '../common/useEntityTabLink';
import { kindLabel } from '../StatusPanel/StatusPanel';

/** Overview card: publication status and the first endpoint, with a link to the Publish tab. */
export function EntityPublishStatusCard() {
  const model = useEntityModel();
  return model ? <PublishStatusCardContent {...model} /> : null;
}

export function PublishStatusCardContent(props: EntityModel) {
  const model = useModel(props.address, 5000);
  const tabLink = useEntityTabLink()(props.entityRef);
  const deepLink = tabLink
    ? { title: 'Manage publication', link: tabLink }
    : undefined;

  let body: JSX.Element;
  if (!model.value) {
    if (model.error) {
      body =
        errorStatus(model.error) === 403 ? (
          <Typography variant="body2" color="textSecondary">
            You don't have permission to see this model's publication.
          </Typography>
        ) : (
          <ResponseErrorPanel
            error={model.error}
            title="Could not load the publication"
          />
        );
    } else {
      body = <Progress />;
    }
  } else {
    const { publication, model: info } = model.value;
    const endpoint =
      publication?.status !== 'unpublished'
        ? publication?.endpoints[0]
        : undefined;
    body = (
      <>
        <Box display="flex" alignItems="center" style={{ gap: 12 }}>
          <PublicationStatusLabel status={publication?.status} />
          <Typography variant="body2" color="textSecondary">
            {kindLabel(publication?.modelKind ?? info.detection.kind)}
          </Typography>
        </Box>
        {endpoint ? (
          <Box display="flex" alignItems="center" mt={1}>
            <code style={{ wordBreak: 'break-all' }}>{endpoint.url}</code>
            <CopyTextButton
              text={endpoint.url}
              aria-label={`Copy endpoint ${endpoint.url}`}
              tooltipText="Copied"
              variant="tertiary"
            />
          </Box>
        ) : (
          <Typography variant="body2" style={{ marginTop: 8 }}>
            Not reachable from outside the cluster.{' '}
            {tabLink && <Link to={tabLink}>Publish it</Link>}
          </Typography>
        )}
        {publication?.statusReason && (
          <Typography variant="caption" color="textSecondary" display="block">
            {publication.statusReason}
          </Typography>
        )}
      </>
    );
  }
  return (
    <InfoCard title="Model publishing" deepLink={deepLink}>
      {body}
    </InfoCard>
  );
}
