// @ts-check

/**
 * Hostnames held by live publications (issue 14, hostname uniqueness under a race). The hostname is the
 * primary key, so two publishes or updates claiming one hostname at the same moment race in the database
 * and exactly one insert wins; the checks before it only give the early, friendly answer. A publication
 * holds its hostname while live; an update holds the old and the new one until it settles.
 *
 * Backfill: the explicit hostnames of live publications (the first publication to take one keeps it).
 * LLMs' template hostnames of existing publications are left to the checks (they depend on config).
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('publication_hostnames', table => {
    table.string('hostname', 253).primary().notNullable();
    table.string('publication_id', 64).notNullable();
    table.index(['publication_id'], 'publication_hostnames_publication_idx');
  });
  const live = await knex('publications')
    .whereNotNull('live_key')
    .orderBy([
      { column: 'created_at', order: 'asc' },
      { column: 'id', order: 'asc' },
    ])
    .select('id', 'config');
  const taken = new Set();
  for (const row of live) {
    let hostname;
    try {
      hostname = JSON.parse(row.config).hostname;
    } catch {
      hostname = undefined;
    }
    if (typeof hostname !== 'string' || taken.has(hostname)) continue;
    taken.add(hostname);
    await knex('publication_hostnames').insert({
      hostname,
      publication_id: row.id,
    });
  }
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('publication_hostnames');
};
