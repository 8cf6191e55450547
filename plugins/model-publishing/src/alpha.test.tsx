import { screen } from '@testing-library/react';
import {
  createExtensionTester,
  renderInTestApp,
} from '@backstage/frontend-test-utils';
import {
  EntityCardBlueprint,
  EntityContentBlueprint,
  EntityContextMenuItemBlueprint,
} from '@backstage/plugin-catalog-react/alpha';
import plugin from './alpha';
import {
  mockModelPublishingApi,
  makeEntity,
  renderWithApis,
  usageSummary,
} from './__testUtils__/testUtils';
import { modelPublishingApiRef } from './api/ModelPublishingApi';

describe('new-frontend-system plugin', () => {
  it('declares the API, page, entity content, cards and menu item under pluginId model-publishing', () => {
    expect(plugin.pluginId).toBe('model-publishing');
    for (const id of [
      'api:model-publishing',
      'page:model-publishing',
      'page:model-publishing/costs',
      'api:model-publishing/costs',
      'entity-content:model-publishing/publish',
      'entity-card:model-publishing/publish-status',
      'entity-card:model-publishing/inference-services',
      'entity-context-menu-item:model-publishing/publish',
    ]) {
      expect(plugin.getExtension(id as any)).toBeDefined();
    }
  });

  it('puts the Publish tab on its own (no "Deployment" menu) (issue 23 item 9)', () => {
    const tab = createExtensionTester(
      plugin.getExtension('entity-content:model-publishing/publish' as any),
    );
    expect(
      tab.get(EntityContentBlueprint.dataRefs.group as any),
    ).toBeUndefined();
  });

  it('mounts the published-models page at /model-publishing, lazily', async () => {
    const api = mockModelPublishingApi({
      listPublications: async () => ({ items: [] }),
      getUsageSummary: async () => usageSummary(),
    });
    const tester = createExtensionTester(
      plugin.getExtension('page:model-publishing' as any),
    );
    renderInTestApp(tester.reactElement(), {
      apis: [[modelPublishingApiRef, api]] as any,
    });
    expect(
      await screen.findByText('No published models yet', undefined, {
        timeout: 15000,
      }),
    ).toBeInTheDocument();
  });

  it('shows the Publish tab and the status card only for InferenceService entities', () => {
    const tester = createExtensionTester(
      plugin.getExtension('entity-content:model-publishing/publish' as any),
    );
    const filter = tester.get(
      EntityContentBlueprint.dataRefs.filterFunction as any,
    ) as (e: unknown) => boolean;
    expect(filter(makeEntity())).toBe(true);
    expect(filter(makeEntity({}))).toBe(false);
    const card = createExtensionTester(
      plugin.getExtension('entity-card:model-publishing/publish-status' as any),
    );
    const cardFilter = card.get(
      EntityCardBlueprint.dataRefs.filterFunction as any,
    ) as (e: unknown) => boolean;
    expect(cardFilter(makeEntity())).toBe(true);
    expect(cardFilter(makeEntity({}))).toBe(false);
  });

  it('offers "Publish model" in the entity menu, linking to the Publish tab', async () => {
    const tester = createExtensionTester(
      plugin.getExtension(
        'entity-context-menu-item:model-publishing/publish' as any,
      ),
    );
    const data = tester.get(
      EntityContextMenuItemBlueprint.dataRefs.data as any,
    ) as {
      useProps: () => { title: string; href?: string };
    };
    const entity = makeEntity();
    const Probe = () => {
      const props = data.useProps();
      return <a href={props.href}>{props.title}</a>;
    };
    await renderWithApis(<Probe />, { api: mockModelPublishingApi(), entity });
    expect(screen.getByRole('link', { name: 'Publish model' })).toHaveAttribute(
      'href',
      `/catalog/default/component/${entity.metadata.name}/publish`,
    );
  });
});
