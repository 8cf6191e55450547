// @ts-check
const { epochPeriod } = require('./shared/columns');

/** The usage rollup tables (migration 20261126120000). */
const ROLLUPS = [
  'usage_hourly_source',
  'usage_hourly',
  'usage_hourly_total',
  'usage_daily',
];

/**
 * Usage that answers owners and finance (issue #20):
 * - `status_4xx_other`: 4xx answers other than 401, 403 and 429, so errors split into five classes.
 * - `max_key_requests` / `max_key_tokens` on the hourly totals: the busiest client id of each publication
 *   hour, so the quota-alert scan skips every hour in which no key could have reached a limit.
 * - Latency histograms per publication, client id, hour, source and metric (request duration, time to first
 *   token, time per output token). `le` is the bucket's upper bound in seconds (Prometheus' `le`;
 *   1e300 stands for +Inf) and `count` the observations in (previous bound, le] — not cumulative, so
 *   hours add up by SUM. After the hourly retention window they roll up into the daily table.
 * - Budgets per consumer (a group or component entity ref) per month, and the notices sent for them: the
 *   primary key (consumer, month, threshold) is what makes each threshold notify exactly once.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  for (const name of ROLLUPS) {
    await knex.schema.alterTable(name, table => {
      table.bigInteger('status_4xx_other').notNullable().defaultTo(0);
    });
  }
  await knex.schema.alterTable('usage_hourly_total', table => {
    table.bigInteger('max_key_requests').notNullable().defaultTo(0);
    table.bigInteger('max_key_tokens').notNullable().defaultTo(0);
  });

  /** @param {import('knex').Knex.CreateTableBuilder} table */
  const latency = table => {
    table.string('publication_id', 64).notNullable();
    table.string('client_id', 80).notNullable();
    table.string('source', 64).notNullable();
    table.string('metric', 16).notNullable().comment('request | ttft | tpot');
    table
      .double('le')
      .notNullable()
      .comment('Upper bound of the bucket in seconds; 1e300 = +Inf');
    table.bigInteger('count').notNullable().defaultTo(0);
  };
  for (const [name, period] of /** @type {const} */ ([
    ['usage_latency_hourly', 'hour'],
    ['usage_latency_daily', 'day'],
  ])) {
    await knex.schema.createTable(name, table => {
      latency(table);
      epochPeriod(table, period);
      table.unique(
        ['publication_id', period, 'client_id', 'source', 'metric', 'le'],
        { indexName: `${name}_key` },
      );
      table.index([period], `${name}_${period}_idx`);
    });
  }

  await knex.schema.createTable('usage_budgets', table => {
    table
      .string('consumer_ref', 255)
      .primary()
      .notNullable()
      .comment('Entity ref of the group or component that holds the keys');
    table
      .double('monthly_amount')
      .notNullable()
      .comment(
        'Spend allowed per calendar month (UTC), in the configured currency',
      );
    table
      .bigInteger('monthly_tokens')
      .nullable()
      .comment(
        'Optional token limit per month, for enforcement at the gateway',
      );
    table.string('updated_by', 255).notNullable();
    table.timestamp('updated_at', { useTz: true }).notNullable();
  });
  await knex.schema.createTable('usage_budget_notices', table => {
    table.string('consumer_ref', 255).notNullable();
    table.string('month', 7).notNullable().comment('YYYY-MM (UTC)');
    table.integer('threshold').notNullable().comment('80 or 100 (percent)');
    table.double('spent').notNullable();
    table.double('budget').notNullable();
    table.timestamp('sent_at', { useTz: true }).notNullable();
    table.primary(['consumer_ref', 'month', 'threshold']);
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  for (const name of [
    'usage_budget_notices',
    'usage_budgets',
    'usage_latency_daily',
    'usage_latency_hourly',
  ]) {
    await knex.schema.dropTable(name);
  }
  await knex.schema.alterTable('usage_hourly_total', table => {
    table.dropColumn('max_key_requests');
    table.dropColumn('max_key_tokens');
  });
  for (const name of ROLLUPS) {
    await knex.schema.alterTable(name, table => {
      table.dropColumn('status_4xx_other');
    });
  }
};
