// Queries compiled once, for the few hot paths where Kysely's per-call building and compiling of SQL costs
// more than the database's own work (an API call's account read, every token write).
import { type Compilable, CompiledQuery, type Kysely } from 'kysely';
import type { Database } from './schema.ts';

/**
 * Compiles `build`'s query once, with a marker in each named value's place to learn where the values go
 * among the parameters, and returns a function that runs it again with new values. Parameters that are
 * not named values (constants in the query) keep their compiled value.
 */
export function precompile<V extends Record<string, unknown>, R>(
  db: Pick<Kysely<Database>, 'executeQuery'>,
  names: readonly (keyof V & string)[],
  build: (values: V) => Compilable<R>,
): (values: V) => Promise<R[]> {
  const marker = (name: string) => `\u0000${name}\u0000`;
  const probe = Object.fromEntries(names.map((name) => [name, marker(name)])) as V;
  const compiled = build(probe).compile();
  const slots = compiled.parameters.map((p) => names.find((name) => marker(name) === p) ?? null);
  const lost = names.filter((name) => !slots.includes(name));
  const altered = compiled.parameters.some((p, i) => slots[i] === null && typeof p === 'string' && p.includes('\u0000'));
  if (lost.length || altered) throw new Error(`precompile: values not passed through as parameters: ${lost.join(', ')}`);
  return async (values) => {
    const parameters = slots.map((name, i) => (name === null ? compiled.parameters[i] : values[name]));
    return (await db.executeQuery(CompiledQuery.raw(compiled.sql, parameters) as CompiledQuery<R>)).rows;
  };
}
