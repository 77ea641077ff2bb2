// Route schemas compiled on a route's first request instead of at start-up. Fastify's own compilers (ajv
// for validation, fast-json-stringify for responses) do the work, with the server's ajv options; only the
// moment changes. A start-up CPU profile spent a third of its time compiling the schemas of every route,
// most of which a node never serves (the API Tester, OAuth, v2, the pages).
import ajvCompiler from '@fastify/ajv-compiler';
import serializerCompiler from '@fastify/fast-json-stringify-compiler';
import type { FastifyServerOptions } from 'fastify';

type CompilersFactory = NonNullable<NonNullable<FastifyServerOptions['schemaController']>['compilersFactory']>;

type Validate = ((data: unknown, context?: unknown) => unknown) & { errors?: unknown; schemaEnv?: unknown };
type RouteSchema = Record<string, unknown>;

/** A validator that compiles on first use and then behaves as the compiled one, `errors` included. */
function lazyValidator(compile: () => Validate): Validate {
  let compiled: Validate | undefined;
  const validate: Validate = (data, context) => {
    compiled ??= compile();
    const valid = compiled.schemaEnv ? compiled(data, context) : compiled(data);
    validate.errors = compiled.errors;
    return valid;
  };
  // Fastify passes the parent object only to validators that have schemaEnv (ajv's do): ajv needs it to
  // coerce or default a root value in place.
  validate.schemaEnv = true;
  return validate;
}

/** The `schemaController.compilersFactory` option of Fastify. */
export function lazySchemaCompilers(): CompilersFactory {
  const validators = ajvCompiler();
  const serializers = serializerCompiler();
  const factory = {
    buildValidator(externalSchemas: unknown, options: unknown) {
      const compile = (validators as unknown as (s: unknown, o: unknown) => (route: RouteSchema) => Validate)(
        externalSchemas,
        options,
      );
      return (route: RouteSchema) => lazyValidator(() => compile(route));
    },
    buildSerializer(externalSchemas: unknown, options: unknown) {
      const compile = (serializers as unknown as (s: unknown, o: unknown) => (route: RouteSchema) => (data: unknown) => string)(
        externalSchemas,
        options,
      );
      return (route: RouteSchema) => {
        let serialize: ((data: unknown) => string) | undefined;
        return (data: unknown) => {
          serialize ??= compile(route);
          return serialize(data);
        };
      };
    },
  };
  // The lazy functions stand in for ajv's and fast-json-stringify's, whose types they cannot spell.
  return factory as unknown as CompilersFactory;
}
