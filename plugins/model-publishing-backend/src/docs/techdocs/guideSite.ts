import { createHash } from 'crypto';
import type { Publication } from '@model-publishing/plugin-model-publishing-common';
import { stringify } from 'yaml';

/** An mkdocs project: relative path → content. */
export interface SiteSource {
  files: Record<string, string>;
  /** Hash of the files: stored in techdocs_metadata.json, so a stale site is recognised without a rebuild. */
  etag: string;
}

/** What the site of a publication needs (a full `Publication` fits). */
export type SitePublication = Pick<
  Publication,
  'id' | 'cluster' | 'namespace' | 'name' | 'status' | 'updatedAt'
> &
  Partial<Pick<Publication, 'entityRef' | 'config'>>;

const OPENAPI_FILE = 'openapi.json';

/**
 * Both sites write the same file set, so a site replaces the other completely even with publishers that
 * copy over what is there (the local one) instead of syncing.
 */
function project(
  siteName: string,
  description: string,
  index: string,
  openapi: object,
): SiteSource {
  const files: Record<string, string> = {
    // No `plugins:` — the TechDocs generator adds techdocs-core unless the portal omits it
    // (techdocs.generator.mkdocs.omitTechdocsCorePlugin); the theme is set for the omitted case.
    'mkdocs.yml': stringify({
      site_name: siteName,
      site_description: description,
      nav: [{ Guide: 'index.md' }],
      // font: false — no Google Fonts stylesheet. TechDocs' reader keeps the page hidden until every
      // stylesheet fires `load`, and one that cannot load (offline, air-gapped) never does.
      theme: { name: 'material', font: false },
    }),
    'docs/index.md': index,
    // techdocs-core writes this (the reader's title comes from it); without the plugin, mkdocs copies
    // ours into the site and the generator adds build time, files and etag to it.
    'docs/techdocs_metadata.json': `${JSON.stringify({
      site_name: siteName,
      site_description: description,
    })}\n`,
    [`docs/${OPENAPI_FILE}`]: `${JSON.stringify(openapi, null, 2)}\n`,
  };
  const etag = createHash('sha256')
    .update(JSON.stringify(Object.entries(files)))
    .digest('hex')
    .slice(0, 32);
  return { files, etag };
}

/** The TechDocs site of a live publication: its guide, plus the OpenAPI document to download. Pure. */
export function guideSite(
  publication: SitePublication,
  guide: { markdown: string; openapi: object },
): SiteSource {
  const index = [
    guide.markdown.trimEnd(),
    '',
    '## OpenAPI document',
    '',
    `The endpoint's OpenAPI document: [${OPENAPI_FILE}](${OPENAPI_FILE}). Import it into an API client or a code`,
    "generator. The portal's API catalog shows it too, as this model's API.",
    '',
  ].join('\n');
  return project(
    `${publication.name} — API guide`,
    `How to call the published model ${publication.namespace}/${publication.name}`,
    index,
    guide.openapi,
  );
}

/** What the Docs tab shows after an unpublish, until the catalog drops the TechDocs annotations. Pure. */
export function unpublishedSite(publication: SitePublication): SiteSource {
  const index = [
    `# ${publication.name} — not published`,
    '',
    `The model \`${publication.namespace}/${publication.name}\` is no longer published: its public endpoint`,
    'has been removed and its API keys no longer work.',
    '',
    // Consumers are never sent to ask the owner (issue 15): the Access tab is where they act.
    "Its owners can publish it again from the model's **Publish** tab; once it is published, request a key on the model's **Access** tab.",
    '',
  ].join('\n');
  return project(
    `${publication.name} — not published`,
    `${publication.namespace}/${publication.name} is not published`,
    index,
    {
      openapi: '3.0.3',
      info: {
        title: `${publication.name} (not published)`,
        version: publication.updatedAt,
        description: 'This model is not published; there is no endpoint.',
      },
      paths: {},
    },
  );
}
