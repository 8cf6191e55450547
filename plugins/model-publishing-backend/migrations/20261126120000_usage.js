// @ts-check
const { epochPeriod } = require('./shared/columns');

/**
 * Usage rollups (docs/design.md §6). Hours and days are whole numbers since the Unix epoch (UTC), which keeps range
 * queries, grouping (hour / 24) and retention portable between SQLite and PostgreSQL.
 * client_id '' holds traffic without a valid key (401s) or from sources that cannot tell keys apart.
 * No foreign keys: usage outlives unpublishing, and ingest must not pay for constraint checks.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  /** @param {import('knex').Knex.CreateTableBuilder} table */
  const counters = table => {
    for (const column of [
      'requests',
      'status_401',
      'status_403',
      'status_429',
      'status_5xx',
      'input_tokens',
      'output_tokens',
    ]) {
      table.bigInteger(column).notNullable().defaultTo(0);
    }
  };

  /**
   * A rollup per publication (per client id unless `perKey` is false, per source when `perSource`) and
   * period, with the counters; `more` adds what a table has besides.
   *
   * @param {string} name
   * @param {'hour' | 'day'} period
   * @param {{ perKey?: boolean, perSource?: boolean }} keys
   * @param {(table: import('knex').Knex.CreateTableBuilder) => void} [more]
   */
  const rollup = (name, period, { perKey = true, perSource = false }, more) =>
    knex.schema.createTable(name, table => {
      table.string('publication_id', 64).notNullable();
      if (perKey) table.string('client_id', 80).notNullable();
      epochPeriod(table, period);
      if (perSource) {
        table
          .string('source', 64)
          .notNullable()
          .comment('UsageSource id, or access-log');
      }
      counters(table);
      table.unique(
        [
          'publication_id',
          period,
          ...(perKey ? ['client_id'] : []),
          ...(perSource ? ['source'] : []),
        ],
        { indexName: `${name}_key` },
      );
      table.index([period], `${name}_${period}_idx`);
      more?.(table);
    });

  // What each source reported, so re-collection replaces its own figures and never another source's.
  await rollup('usage_hourly_source', 'hour', { perSource: true });

  // The merged hourly rollup the reports read: per counter, the largest figure any source reported
  // (several sources measure the same traffic; adding them would double-count).
  await rollup('usage_hourly', 'hour', {}, table => {
    // Covers the quota-alert scan (requests and tokens per key and hour) without touching the table.
    table.index(
      [
        'publication_id',
        'hour',
        'client_id',
        'requests',
        'input_tokens',
        'output_tokens',
      ],
      'usage_hourly_alert_idx',
    );
  });

  // Publication totals per hour (all client ids), so a report's series reads one row per hour
  // instead of one per key and hour.
  await rollup('usage_hourly_total', 'hour', { perKey: false });

  await rollup('usage_daily', 'day', {});

  await knex.schema.createTable('usage_key_last_used', table => {
    table.string('publication_id', 64).notNullable();
    table.string('client_id', 80).notNullable();
    table
      .bigInteger('last_used_ms')
      .notNullable()
      .comment('Epoch milliseconds of the last request seen');
    table.primary(['publication_id', 'client_id']);
  });

  // Access-log records already counted: sha256 of the record, or of its request id when it has one.
  await knex.schema.createTable('usage_ingest_seen', table => {
    table.string('id', 64).primary().notNullable();
    table
      .integer('hour')
      .notNullable()
      .comment('Hour of the record, for pruning');
    table.index(['hour'], 'usage_ingest_seen_hour_idx');
  });

  await knex.schema.createTable('usage_collector_state', table => {
    table.string('source', 64).primary().notNullable();
    table
      .integer('collected_until_hour')
      .notNullable()
      .comment('Exclusive end of the last collection');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  for (const name of [
    'usage_collector_state',
    'usage_ingest_seen',
    'usage_key_last_used',
    'usage_daily',
    'usage_hourly_total',
    'usage_hourly',
    'usage_hourly_source',
  ]) {
    await knex.schema.dropTable(name);
  }
};
