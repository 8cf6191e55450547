// @ts-check
const { publicationId } = require('./shared/columns');

/**
 * Plans and access requests (docs/design.md §9). Every publication gets a `default` plan holding the limits it
 * had (its publish config's rateLimits), and every existing key is put on that plan: keys keep their
 * own limits (api_keys.rate_limits) and everything else keeps the publication's, exactly as before.
 * Portable SQL only (SQLite and PostgreSQL); JSON as text.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('publication_plans', table => {
    table.string('id', 64).primary().notNullable();
    publicationId(table);
    table.string('name', 40).notNullable();
    table.text('description').nullable();
    table.text('rate_limits').notNullable().comment('RateLimits JSON');
    table.string('approval', 16).notNullable().comment('automatic | manual');
    table.integer('max_key_lifetime_days').nullable();
    table
      .boolean('is_default')
      .notNullable()
      .defaultTo(false)
      .comment(
        'The publication config limits; the gateway applies them to keys of no other plan',
      );
    table.timestamp('created_at', { useTz: true, precision: 3 }).notNullable();
    table.timestamp('updated_at', { useTz: true, precision: 3 }).notNullable();
    table.unique(['publication_id', 'name'], {
      indexName: 'publication_plans_name_uq',
    });
  });

  await knex.schema.createTable('access_requests', table => {
    table.string('id', 64).primary().notNullable();
    publicationId(table);
    table.string('entity_ref', 255).notNullable().comment("The model's entity");
    table.string('plan_id', 64).notNullable();
    table.text('purpose').notNullable();
    table
      .string('consumer_ref', 255)
      .notNullable()
      .comment('Entity the key belongs to');
    table.string('requester', 255).notNullable();
    // pending → approved → issued, or pending → denied. Every move is a conditional UPDATE on the
    // current status, so concurrent deciders race on one row and exactly one wins.
    table.string('status', 16).notNullable();
    table.integer('key_lifetime_days').nullable();
    table.string('decided_by', 255).nullable();
    table.timestamp('decided_at', { useTz: true, precision: 3 }).nullable();
    table.text('reason').nullable();
    table.string('key_id', 64).nullable();
    table.timestamp('created_at', { useTz: true, precision: 3 }).notNullable();
    table.index(
      ['publication_id', 'status', 'created_at'],
      'access_requests_pub_idx',
    );
    table.index(['requester', 'created_at'], 'access_requests_requester_idx');
  });

  await knex.schema.alterTable('api_keys', table => {
    table
      .string('plan_id', 64)
      .nullable()
      .comment('Plan the key was issued on (NULL = default plan)');
    table
      .string('consumer_ref', 255)
      .nullable()
      .comment('Consumer entity owning the key');
    // Unique: one request issues at most one key, whatever races.
    table.string('request_id', 64).nullable().unique('api_keys_request_uq');
    table
      .timestamp('suspended_at', { useTz: true })
      .nullable()
      .comment(
        'Suspended by an owner or because the consumer left the catalog',
      );
    table.timestamp('expiry_notified_at', { useTz: true }).nullable();
    table.index(['consumer_ref'], 'api_keys_consumer_idx');
  });

  const now = new Date();
  const publications = await knex('publications').select('id', 'config');
  for (const p of publications) {
    /** @type {{ rateLimits?: Record<string, number> }} */
    let config = {};
    try {
      config = JSON.parse(p.config);
    } catch {
      // A record whose config does not parse keeps empty limits, as the gateway builder read it.
    }
    const planId = `default-${p.id}`.slice(0, 64);
    await knex('publication_plans').insert({
      id: planId,
      publication_id: p.id,
      name: 'default',
      description: 'The limits the model was published with',
      rate_limits: JSON.stringify(config.rateLimits ?? {}),
      approval: 'manual',
      max_key_lifetime_days: null,
      is_default: true,
      created_at: now,
      updated_at: now,
    });
    await knex('api_keys')
      .where({ publication_id: p.id })
      .update({ plan_id: planId });
  }
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('api_keys', table => {
    table.dropIndex(['consumer_ref'], 'api_keys_consumer_idx');
    table.dropUnique(['request_id'], 'api_keys_request_uq');
    table.dropColumns(
      'plan_id',
      'consumer_ref',
      'request_id',
      'suspended_at',
      'expiry_notified_at',
    );
  });
  await knex.schema.dropTable('access_requests');
  await knex.schema.dropTable('publication_plans');
};
