// @ts-check
const { publicationId } = require('./shared/columns');

/**
 * Publications, their status history and the audit log (docs/design.md §3, §6).
 * Portable SQL only: runs on SQLite and PostgreSQL. JSON is stored as text so it reads back the same on both.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('publications', table => {
    table
      .string('id', 64)
      .primary()
      .notNullable()
      .comment('Publication id (uuid); label model-publishing/publication');
    table.string('cluster', 63).notNullable();
    table.string('namespace', 63).notNullable();
    table.string('name', 63).notNullable();
    // `<cluster>/<namespace>/<name>` while the publication is live, NULL once failed or unpublished.
    // A plain unique column (NULLs never collide) gives "one live publication per model" on every
    // database without partial indexes; concurrent publishes race on it and exactly one insert wins.
    table.string('live_key', 200).nullable().unique('publications_live_key_uq');
    table.string('entity_ref', 255).nullable();
    table
      .string('owner', 255)
      .nullable()
      .comment('Owning group (tenant) entity ref');
    table.string('model_kind', 16).notNullable();
    table.string('status', 16).notNullable();
    table.text('status_reason').nullable();
    table
      .text('config')
      .notNullable()
      .comment('PublishConfig JSON (never holds a key)');
    table
      .text('objects')
      .notNullable()
      .comment('OwnedObject[] JSON: what this publication owns in the cluster');
    table.text('endpoints').notNullable().comment('Public endpoints JSON');
    table.string('created_by', 255).notNullable();
    table.timestamp('created_at', { useTz: true, precision: 3 }).notNullable();
    table.timestamp('updated_at', { useTz: true, precision: 3 }).notNullable();
    // Keyset pagination walks (created_at, id); filters narrow it.
    table.index(['created_at', 'id'], 'publications_created_idx');
    table.index(['owner', 'created_at', 'id'], 'publications_owner_idx');
    table.index(
      ['namespace', 'created_at', 'id'],
      'publications_namespace_idx',
    );
    table.index(['status', 'updated_at'], 'publications_status_idx');
    table.index(['cluster', 'namespace', 'name'], 'publications_model_idx');
    table.index(['entity_ref'], 'publications_entity_idx');
  });

  await knex.schema.createTable('publication_status_history', table => {
    table.increments('id').primary();
    publicationId(table);
    table.string('status', 16).notNullable();
    table.text('reason').nullable();
    table.string('actor', 255).nullable();
    table.timestamp('created_at', { useTz: true, precision: 3 }).notNullable();
    table.index(['publication_id', 'id'], 'publication_status_history_pub_idx');
  });

  await knex.schema.createTable('audit_log', table => {
    table.string('id', 64).primary().notNullable();
    table.string('actor', 255).notNullable();
    table.string('action', 64).notNullable();
    table.string('entity_ref', 255).nullable();
    table
      .string('publication_id', 64)
      .nullable()
      .comment('No foreign key: the trail outlives publications');
    table.string('key_id', 64).nullable();
    table.string('outcome', 16).notNullable();
    table.text('error').nullable();
    table.timestamp('created_at', { useTz: true, precision: 3 }).notNullable();
    table.index(['entity_ref', 'created_at', 'id'], 'audit_log_entity_idx');
    table.index(['publication_id', 'created_at'], 'audit_log_publication_idx');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('audit_log');
  await knex.schema.dropTable('publication_status_history');
  await knex.schema.dropTable('publications');
};
