// How request parts are validated (every route, and the parts a route with a compiler of its own hands on).
import { TypeBoxValidatorCompiler } from '@fastify/type-provider-typebox'

/** An object schema whose properties are all plain strings: nothing in it for a conversion to do. */
function onlyStrings(schema: unknown): boolean {
  const s = schema as { type?: string; properties?: Record<string, { type?: string }> }
  return s.type === 'object' && !!s.properties && Object.values(s.properties).every((p) => p.type === 'string')
}

/**
 * TypeBox validates: bodies strictly as sent (no coercion), query strings and params converted from text.
 * Headers whose schema asks only for strings (a write's idempotency-key) are checked as they are: they are
 * strings already, and converting the whole header object first cost every write a few µs. A route with a
 * compiler of its own (the batch's body) hands it the other parts.
 */
export const compileValidator = (route: Parameters<typeof TypeBoxValidatorCompiler>[0]) =>
  TypeBoxValidatorCompiler(route.httpPart === 'headers' && onlyStrings(route.schema) ? { ...route, httpPart: 'body' } : route)
