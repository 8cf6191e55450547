// @ts-check

/**
 * Leases on in-flight operations (issue 14, finding 5). A publish, update or unpublish holds its record's
 * lease while it runs and renews it (heartbeat); when the lease runs out its holder is taken as dead, and
 * the next reconcile pass or the next request on that model takes the operation over — a conditional
 * update on the lease columns, so two instances never both do. `lease_holder` is the instance
 * (`modelPublishing.instanceId`), `lease_token` the process that holds it: an instance that restarts finds
 * its previous process's leases by holder and resumes them at once.
 *
 * Records already in flight get a lease that ran out when they were last touched.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('publications', table => {
    table.string('lease_holder', 200).nullable();
    table.string('lease_token', 64).nullable();
    table
      .timestamp('lease_expires_at', { useTz: true, precision: 3 })
      .nullable();
  });
  await knex('publications')
    .whereIn('status', ['publishing', 'updating', 'unpublishing'])
    .update({ lease_expires_at: knex.ref('updated_at') });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('publications', table => {
    table.dropColumn('lease_holder');
    table.dropColumn('lease_token');
    table.dropColumn('lease_expires_at');
  });
};
