// @ts-check

/**
 * Which resource a publication publishes: `InferenceService` or `LLMInferenceService` (they may share a
 * namespace and name). NULL on records made before: readers then try an InferenceService first.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('publications', table => {
    table.string('resource_kind', 32).nullable();
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('publications', table => {
    table.dropColumn('resource_kind');
  });
};
