/** The TypeScript type of a JSON Schema primitive `type`, shared by the code generators in this folder. */
const PRIMITIVES = {
  string: 'string',
  integer: 'number',
  number: 'number',
  boolean: 'boolean',
};

/** `string`, `number` or `boolean` for a primitive JSON Schema type; undefined for any other. */
function primitiveTsType(type) {
  return Object.hasOwn(PRIMITIVES, type) ? PRIMITIVES[type] : undefined;
}

module.exports = { primitiveTsType };
