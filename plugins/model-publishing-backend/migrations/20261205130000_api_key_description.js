// @ts-check

/**
 * A key's description (issue 23 item 12): what the key is for, shown in the keys table beside its name.
 * Optional; the owner sets it at creation or edits it later, and a rotation carries it to the new key.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('api_keys', table => {
    table
      .string('description', 200)
      .nullable()
      .comment('What the key is for; never a secret');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('api_keys', table => {
    table.dropColumn('description');
  });
};
