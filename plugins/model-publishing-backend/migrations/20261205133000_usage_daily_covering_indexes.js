// @ts-check
const { usageDailyAlertIndex } = require('./shared/columns');

/** The counters prices use. */
const PRICED = [
  'requests',
  'status_401',
  'status_403',
  'status_429',
  'input_tokens',
  'output_tokens',
];

/**
 * Chargeback reads every key's days of a month (issue #20: 1,000 keys x 30 days in 100 ms). Two covering
 * indexes on usage_daily make its reads index-only:
 * - day first, for the month's sums per key (it also serves retention's `day < horizon`, so it replaces the
 *   plain day index);
 * - publication and client id first, for each key's days priced per consumer and per publication (it also
 *   covers the quota-alert counts, so it replaces usage_daily_alert_idx).
 * Both carry the counters prices use: requests, 401, 403, 429 (not billed), input and output tokens.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('usage_daily', table => {
    table.dropIndex([], 'usage_daily_day_idx');
    table.dropIndex([], 'usage_daily_alert_idx');
  });
  await knex.schema.alterTable('usage_daily', table => {
    table.index(
      ['day', 'publication_id', 'client_id', ...PRICED],
      'usage_daily_day_priced_idx',
    );
    table.index(
      ['publication_id', 'client_id', 'day', ...PRICED],
      'usage_daily_key_priced_idx',
    );
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('usage_daily', table => {
    table.dropIndex([], 'usage_daily_key_priced_idx');
    table.dropIndex([], 'usage_daily_day_priced_idx');
  });
  await knex.schema.alterTable('usage_daily', table => {
    table.index(['day'], 'usage_daily_day_idx');
    usageDailyAlertIndex(table);
  });
};
