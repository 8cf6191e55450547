// @ts-check
const { publicationId } = require('./shared/columns');

/**
 * API keys (docs/design.md §4). The raw key is never stored: only its SHA-256 hash and first 8 characters.
 * Works on SQLite and PostgreSQL (no dialect-specific SQL).
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('api_keys', table => {
    table
      .string('id', 64)
      .primary()
      .notNullable()
      .comment('Key id (uuid); the client id is key-<id>');
    publicationId(table);
    table
      .string('name', 63)
      .notNullable()
      .comment('Owner-chosen name, unique among live keys of a publication');
    table
      .string('prefix', 8)
      .notNullable()
      .comment('First 8 characters of the key, for display');
    table
      .string('hash', 64)
      .notNullable()
      .unique()
      .comment('SHA-256 hex of the key');
    table
      .string('client_id', 80)
      .notNullable()
      .unique()
      .comment('Secret data key / x-client-id');
    table.string('created_by', 255).notNullable();
    table.timestamp('created_at', { useTz: true }).notNullable();
    table.timestamp('expires_at', { useTz: true }).nullable();
    table.timestamp('revoked_at', { useTz: true }).nullable();
    table.timestamp('last_used_at', { useTz: true }).nullable();
    table
      .string('rotated_from', 64)
      .nullable()
      .comment('Id of the key this one replaced by rotation');
    table
      .timestamp('grace_until', { useTz: true })
      .nullable()
      .comment('Set on a key that was rotated: it stays valid until then');
    table
      .timestamp('removed_at', { useTz: true })
      .nullable()
      .comment(
        'When the key was taken out of the Kubernetes Secret (revoke, expiry, end of grace)',
      );
    // Text rather than json: reads back the same on SQLite and PostgreSQL.
    table
      .text('rate_limits')
      .nullable()
      .comment('Per-key RateLimits JSON overriding the publication defaults');
    table.index(['publication_id'], 'api_keys_publication_idx');
    table.index(['removed_at'], 'api_keys_removed_idx');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('api_keys');
};
