// @ts-check
const { usageDailyAlertIndex } = require('./shared/columns');

/**
 * Publication totals per day, and indexes for counting quota alerts (issue #20: the 30-day summary read every hourly row). The summary counts,
 * per key or publication, the hours and days whose requests or tokens reach a floor; requests and tokens are
 * counted apart, each from an index ordered by that metric, so the database reads only the rows at or over
 * the floor instead of every hour of every key. Tokens are `input_tokens + output_tokens`, indexed as that
 * expression (SQLite and PostgreSQL both use an expression index when the query spells it the same way).
 * Daily rows (few per key) get one index covering both metrics in day order.
 * usage_daily_total holds each publication's day summed over its client ids (kept by the writer like
 * usage_hourly_total), so the summary's totals and sparklines and the shared limit's daily alerts read one row
 * per publication and day instead of grouping every key's.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  const counters = [
    'requests',
    'status_401',
    'status_403',
    'status_429',
    'status_4xx_other',
    'status_5xx',
    'input_tokens',
    'output_tokens',
  ];
  await knex.schema.createTable('usage_daily_total', table => {
    table.string('publication_id', 64).notNullable();
    table
      .integer('day')
      .notNullable()
      .comment('Days since the Unix epoch (UTC)');
    for (const column of counters)
      table.bigInteger(column).notNullable().defaultTo(0);
    table.unique(['publication_id', 'day'], {
      indexName: 'usage_daily_total_key',
    });
    table.index(['day'], 'usage_daily_total_day_idx');
  });
  await knex.raw(
    `INSERT INTO usage_daily_total (publication_id, day, ${counters.join(', ')})
     SELECT publication_id, day, ${counters.map(c => `SUM(${c})`).join(', ')}
     FROM usage_daily GROUP BY publication_id, day`,
  );
  await knex.raw(
    'CREATE INDEX usage_hourly_requests_idx ON usage_hourly (publication_id, client_id, requests, hour)',
  );
  await knex.raw(
    'CREATE INDEX usage_hourly_tokens_idx ON usage_hourly (publication_id, client_id, (input_tokens + output_tokens), hour)',
  );
  await knex.raw(
    'CREATE INDEX usage_hourly_total_requests_idx ON usage_hourly_total (publication_id, requests, hour)',
  );
  await knex.raw(
    'CREATE INDEX usage_hourly_total_tokens_idx ON usage_hourly_total (publication_id, (input_tokens + output_tokens), hour)',
  );
  await knex.schema.alterTable('usage_daily', table => {
    usageDailyAlertIndex(table);
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  for (const name of [
    'usage_daily_alert_idx',
    'usage_hourly_total_tokens_idx',
    'usage_hourly_total_requests_idx',
    'usage_hourly_tokens_idx',
    'usage_hourly_requests_idx',
  ]) {
    await knex.raw(`DROP INDEX ${name}`);
  }
  await knex.schema.dropTable('usage_daily_total');
};
