// @ts-check
const { publicationId } = require('./shared/columns');

/**
 * Leaked keys (issue 21, item 1) and deprecation (item 2). Portable SQL only (SQLite and PostgreSQL).
 *
 * `leaked_keys`: one row per key reported leaked, whoever reported it (GitHub secret scanning or an
 * admin). The primary key makes a replayed report a no-op: the first report acts and notifies, later
 * ones find the row. Never the raw key; the key is named by its id (its hash is in api_keys).
 *
 * `publication_deprecations`: an owner's deprecation of a publication, its sunset and what happens then,
 * and when each notice went out (each once, whichever replica sends it).
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('leaked_keys', table => {
    table.string('key_id', 64).primary().notNullable();
    publicationId(table);
    table
      .string('report_id', 64)
      .notNullable()
      .comment('Which report claimed the key first');
    table
      .string('reported_by', 255)
      .notNullable()
      .comment('github-secret-scanning or the admin');
    table.string('token_type', 100).nullable();
    table
      .text('url')
      .nullable()
      .comment('Where the key was found (not the key)');
    table.string('source', 64).nullable();
    table.string('action', 16).notNullable().comment('revoked | suspended');
    table.timestamp('reported_at', { useTz: true, precision: 3 }).notNullable();
  });

  await knex.schema.createTable('publication_deprecations', table => {
    publicationId(table).primary();
    table
      .timestamp('deprecated_at', { useTz: true, precision: 3 })
      .notNullable();
    table.string('deprecated_by', 255).notNullable();
    table.timestamp('sunset_at', { useTz: true, precision: 3 }).notNullable();
    table
      .string('successor_ref', 255)
      .nullable()
      .comment('Entity ref of the successor model');
    table
      .text('successor_url')
      .nullable()
      .comment('Its public endpoint, for the Link header');
    table.text('message').nullable();
    table
      .string('at_sunset', 16)
      .notNullable()
      .comment('unpublish | stop-new-keys');
    table.timestamp('notified_at', { useTz: true, precision: 3 }).nullable();
    table.timestamp('reminded_at', { useTz: true, precision: 3 }).nullable();
    table.timestamp('sunset_done_at', { useTz: true, precision: 3 }).nullable();
    table.index(['sunset_at'], 'publication_deprecations_sunset_idx');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('publication_deprecations');
  await knex.schema.dropTable('leaked_keys');
};
