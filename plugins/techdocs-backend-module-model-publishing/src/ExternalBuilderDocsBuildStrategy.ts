import type { Entity } from '@backstage/catalog-model';
import type { Config } from '@backstage/config';
import type { DocsBuildStrategy } from '@backstage/plugin-techdocs-node';

/** Entity annotation: `external` = someone else generates and publishes this entity's TechDocs site. */
export const TECHDOCS_BUILDER_ANNOTATION = 'backstage.io/techdocs-builder';

/**
 * TechDocs' default strategy (build when `techdocs.builder` is `local` or unset), except for entities
 * annotated `backstage.io/techdocs-builder: external`: their site is published by another service — the
 * model-publishing backend publishes each published model's guide — and a local build would fail (there is
 * no docs source to prepare) or, worse, overwrite it.
 */
export class ExternalBuilderDocsBuildStrategy implements DocsBuildStrategy {
  static fromConfig(config: Config): ExternalBuilderDocsBuildStrategy {
    return new ExternalBuilderDocsBuildStrategy(
      config.getOptionalString('techdocs.builder'),
    );
  }

  constructor(private readonly builder: string | undefined) {}

  async shouldBuild({ entity }: { entity: Entity }): Promise<boolean> {
    if (
      entity.metadata.annotations?.[
        TECHDOCS_BUILDER_ANNOTATION
      ]?.trim().toLowerCase() === 'external'
    ) {
      return false;
    }
    return this.builder === undefined || this.builder === 'local';
  }
}
