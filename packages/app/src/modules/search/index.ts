import {
  ApiBlueprint,
  createFrontendModule,
} from '@backstage/frontend-plugin-api';
import { searchApiRef } from '@backstage/plugin-search-react';

/**
 * The embedded portal has no search backend, but TechDocs' entity Docs tab always renders its search
 * box, which needs a search API: without one the tab crashes. This one finds nothing; a portal with
 * @backstage/plugin-search(-backend) installed provides the real API instead of this module.
 */
const noSearchApi = ApiBlueprint.make({
  name: 'no-search',
  params: defineParams =>
    defineParams({
      api: searchApiRef,
      deps: {},
      factory: () => ({
        query: async () => ({ results: [], numberOfResults: 0 }),
      }),
    }),
});

export const searchModule = createFrontendModule({
  pluginId: 'app',
  extensions: [noSearchApi],
});
