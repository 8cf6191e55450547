// @ts-check

/**
 * Limit notices (docs/design.md §9): a key or a publication that reached 80 % or 100 % of a limit in one window
 * (hour or day) tells the key's holder and the model's owners once. The primary key — publication, client
 * id ('' for the publication's shared limit), metric, window, window start and threshold — is what makes
 * each notice go out exactly once whichever collection or replica sees it first. Rows older than a few days
 * are pruned by the check itself (like the usage tables, no foreign key: usage outlives a publication).
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('usage_limit_notices', table => {
    table.string('publication_id', 64).notNullable();
    table
      .string('client_id', 80)
      .notNullable()
      .comment("The key's client id; '' for the publication's shared limit");
    table.string('metric', 16).notNullable().comment('requests | tokens');
    table.string('window', 8).notNullable().comment('hour | day');
    table
      .bigInteger('window_start')
      .notNullable()
      .comment('Start of the window, epoch milliseconds');
    table.integer('threshold').notNullable().comment('80 | 100');
    table.timestamp('sent_at', { useTz: true, precision: 3 }).notNullable();
    table.primary([
      'publication_id',
      'client_id',
      'metric',
      'window',
      'window_start',
      'threshold',
    ]);
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('usage_limit_notices');
};
