import { useState } from 'react';
import Tab from '@material-ui/core/Tab';
import Tabs from '@material-ui/core/Tabs';
import Box from '@material-ui/core/Box';
import {
  CopyTextButton,
  InfoCard,
  MarkdownContent,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import useAsync from 'react-use/esm/useAsync';
import { modelPublishingApiRef } from '../../api/ModelPublishingApi';
import { modelKey } from '../../api/modelAddress';
import type { ModelAddress } from '../../api/types';
import { guideLanguages } from '@model-publishing/plugin-model-publishing-common';
import { CardEmptyState } from '../common/CardEmptyState';
import { CodeBlock } from './CodeBlock';
import { guideParts, guideTabOrder } from './guideParts';
import { GuideLanguage, LANGUAGE_LABELS } from './guideTabs';

/** The generated API guide of the publication, with one tab per client language. */
export function ApiGuideCard(props: {
  address: ModelAddress;
  canRead: boolean;
  /** Changes after an update, so the guide (its limits section) reloads. */
  refreshKey?: number;
}) {
  const api = useApi(modelPublishingApiRef);
  const { address, canRead } = props;
  const guide = useAsync(
    async () => (canRead ? api.getGuide(address) : undefined),
    [api, modelKey(address), canRead, props.refreshKey],
  );
  const [selected, setSelected] = useState<GuideLanguage>();

  if (!canRead) {
    return null;
  }
  // Keep the last guide on screen while it reloads.
  if (guide.loading && !guide.value) {
    return (
      <InfoCard title="API guide">
        <Progress />
      </InfoCard>
    );
  }
  if (guide.error) {
    return (
      <InfoCard title="API guide">
        <ResponseErrorPanel
          error={guide.error}
          title="Could not load the API guide"
        />
      </InfoCard>
    );
  }
  const markdown = guide.value?.markdown ?? '';
  if (!markdown.trim()) {
    return (
      <InfoCard title="API guide">
        <CardEmptyState
          title="No guide yet"
          description="The guide is generated when the model is published."
        />
      </InfoCard>
    );
  }
  const structured = guide.value!.guide;
  const languages = guideTabOrder(guideLanguages(structured));
  const language =
    selected && languages.includes(selected) ? selected : languages[0];
  return (
    <InfoCard title="API guide">
      {languages.length > 1 && (
        <Tabs
          value={language}
          onChange={(_, value) => setSelected(value)}
          indicatorColor="primary"
          textColor="primary"
          aria-label="Example language"
          variant="scrollable"
        >
          {languages.map(l => (
            <Tab key={l} value={l} label={LANGUAGE_LABELS[l]} />
          ))}
        </Tabs>
      )}
      {guideParts(structured, language).map((part, index, all) =>
        part.type === 'markdown' ? (
          <MarkdownContent key={index} content={part.markdown} dialect="gfm" />
        ) : (
          // Every code block with a copy button of its own (top right, over the code).
          <Box key={index} position="relative" my={1}>
            <CodeBlock
              code={part.code}
              language={part.language}
              label={`Code block ${
                all.slice(0, index + 1).filter(p => p.type === 'code').length
              } (${part.language})`}
            />
            <Box position="absolute" top={4} right={4}>
              <CopyTextButton
                text={part.code}
                aria-label={`Copy code block ${
                  all.slice(0, index + 1).filter(p => p.type === 'code').length
                } (${part.language})`}
                tooltipText="Copied"
                variant="tertiary"
              />
            </Box>
          </Box>
        ),
      )}
    </InfoCard>
  );
}
