// @ts-check

/**
 * Column definitions the migrations share. Released migrations build their tables with these, so a change
 * here changes released schemas: src/database/migrations.test.ts compares what all migrations build with
 * the schema they built when released. Knex loads only the .js files directly in migrations/, never this
 * folder.
 */

/**
 * `publication_id`: the publication a row belongs to; the row goes with it.
 *
 * @param {import('knex').Knex.CreateTableBuilder} table
 */
exports.publicationId = table =>
  table
    .string('publication_id', 64)
    .notNullable()
    .references('id')
    .inTable('publications')
    .onDelete('CASCADE');

/**
 * `hour` or `day`: the usage tables' period, as whole hours or days since the Unix epoch (UTC).
 *
 * @param {import('knex').Knex.CreateTableBuilder} table
 * @param {'hour' | 'day'} period
 */
exports.epochPeriod = (table, period) =>
  table
    .integer(period)
    .notNullable()
    .comment(
      `${period === 'hour' ? 'Hours' : 'Days'} since the Unix epoch (UTC)`,
    );

/**
 * usage_daily_alert_idx: usage_daily by key and day with requests and tokens, for the quota-alert counts
 * (20261205124500; replaced by usage_daily_key_priced_idx in 20261205133000, whose down restores it).
 *
 * @param {import('knex').Knex.AlterTableBuilder} table
 */
exports.usageDailyAlertIndex = table =>
  table.index(
    [
      'publication_id',
      'client_id',
      'day',
      'requests',
      'input_tokens',
      'output_tokens',
    ],
    'usage_daily_alert_idx',
  );
