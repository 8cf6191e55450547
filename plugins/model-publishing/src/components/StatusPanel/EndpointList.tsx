import List from '@material-ui/core/List';
import ListItem from '@material-ui/core/ListItem';
import ListItemText from '@material-ui/core/ListItemText';
import type { Publication } from '@model-publishing/plugin-model-publishing-common';
import { CardEmptyState } from '../common/CardEmptyState';
import { CopyTextButton } from '@backstage/core-components';
import { useTranslationRef } from '@backstage/frontend-plugin-api';
import { modelPublishingTranslationRef } from '../../translation';

/** Endpoint URLs, each with a copy button. */
export function EndpointList(props: { endpoints: Publication['endpoints'] }) {
  const { t } = useTranslationRef(modelPublishingTranslationRef);
  if (props.endpoints.length === 0) {
    return <CardEmptyState title={t('publishTab.noEndpointsYet')} />;
  }
  return (
    <List dense disablePadding aria-label={t('publishTab.endpoints')}>
      {props.endpoints.map(endpoint => (
        <ListItem key={endpoint.url} disableGutters>
          <ListItemText
            // minWidth 0 lets the text wrap instead of pushing the copy button out of the card.
            style={{ minWidth: 0 }}
            primary={
              <code
                style={{
                  display: 'block',
                  whiteSpace: 'normal',
                  wordBreak: 'break-all',
                }}
              >
                {endpoint.url}
              </code>
            }
            secondary={endpoint.description}
          />
          <CopyTextButton
            text={endpoint.url}
            aria-label={t('publishTab.copyEndpoint', { url: endpoint.url })}
            tooltipText={t('publishTab.copied')}
            variant="tertiary"
          />
        </ListItem>
      ))}
    </List>
  );
}
