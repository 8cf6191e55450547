import { screen } from '@testing-library/react';
import {
  EntityModelPublishingContent,
  EntityPublishStatusCard,
  isInferenceServiceEntity,
  modelPublishingPlugin,
  modelPublishingApiRef,
} from './index';
import {
  makeEntity,
  mockModelPublishingApi,
  modelInfo,
  publication,
  renderWithApis,
  usageReport,
} from './__testUtils__/testUtils';

describe('legacy plugin', () => {
  it('registers the API client under the plugin id', () => {
    expect(modelPublishingPlugin.getId()).toBe('model-publishing');
    const factories = [...modelPublishingPlugin.getApis()];
    expect(factories.map(f => f.api.id)).toEqual([modelPublishingApiRef.id]);
    expect(isInferenceServiceEntity(makeEntity())).toBe(true);
  });

  it('lazy-loads the entity content and card extensions', async () => {
    const api = mockModelPublishingApi({
      getModel: async () => ({
        model: modelInfo(),
        publication: publication(),
      }),
      listKeys: async () => ({ items: [] }),
      getUsage: async () => usageReport(),
      getGuide: async () => ({
        markdown: 'guide',
        guide: { sections: [] },
        openapi: {},
      }),
      listAudit: async () => ({ items: [] }),
    });
    await renderWithApis(
      <>
        <EntityPublishStatusCard />
        <EntityModelPublishingContent />
      </>,
      { api, entity: makeEntity() },
    );
    expect(
      await screen.findByText('Model publishing', undefined, {
        timeout: 15000,
      }),
    ).toBeInTheDocument();
    expect(
      await screen.findByText('Publication settings', undefined, {
        timeout: 15000,
      }),
    ).toBeInTheDocument();
  });
});
