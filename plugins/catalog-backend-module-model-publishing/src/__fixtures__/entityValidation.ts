import {
  apiEntityV1alpha1Validator,
  componentEntityV1alpha1Validator,
  DefaultNamespaceEntityPolicy,
  Entity,
  EntityPolicies,
  FieldFormatEntityPolicy,
  NoForeignRootFieldsEntityPolicy,
  SchemaValidEntityPolicy,
} from '@backstage/catalog-model';

/** The checks the catalog itself runs on an entity before it accepts it. */
const policy = EntityPolicies.allOf([
  new DefaultNamespaceEntityPolicy(),
  new NoForeignRootFieldsEntityPolicy(),
  new FieldFormatEntityPolicy(),
  new SchemaValidEntityPolicy(),
]);

export async function expectValidEntity(entity: Entity): Promise<void> {
  await expect(policy.enforce(entity)).resolves.toBeDefined();
  const validator =
    entity.kind === 'API'
      ? apiEntityV1alpha1Validator
      : componentEntityV1alpha1Validator;
  await expect(validator.check(entity)).resolves.toBe(true);
}
