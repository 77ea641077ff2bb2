// Refuses numbers too large to be numbers ("1e309" in a query, 1e309 in a JSON body) before validation.
// They parse to Infinity, and the schema validator lets Infinity through `maximum`; the database then
// refuses it with an error. A clear 400 instead.
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { AppError } from '../errors.ts';

/** A numeric string that overflows, e.g. "1e309" (query and path values are still strings here). */
function isInfiniteText(value: string): boolean {
  const n = Number(value);
  return value.trim() !== '' && (n === Number.POSITIVE_INFINITY || n === Number.NEGATIVE_INFINITY);
}

/** A parsed JSON body holding Infinity anywhere (strings in bodies are text, not numbers). */
function hasInfinity(value: unknown, depth = 0): boolean {
  if (typeof value === 'number') return !Number.isFinite(value);
  if (depth > 64 || value === null || typeof value !== 'object') return false;
  for (const item of Array.isArray(value) ? value : Object.values(value)) {
    if (hasInfinity(item, depth + 1)) return true;
  }
  return false;
}

function hasInfiniteText(record: unknown): string | null {
  if (!record || typeof record !== 'object') return null;
  for (const [key, value] of Object.entries(record)) {
    for (const v of Array.isArray(value) ? value : [value]) if (typeof v === 'string' && isInfiniteText(v)) return key;
  }
  return null;
}

async function finiteNumbers(app: FastifyInstance): Promise<void> {
  app.addHook('preValidation', async (request) => {
    const field = hasInfiniteText(request.query) ?? hasInfiniteText(request.params);
    if (field) throw new AppError('VALIDATION', `${field} is not a finite number`);
    if (request.body !== undefined && typeof request.body === 'object' && hasInfinity(request.body)) {
      throw new AppError('VALIDATION', 'The request body contains a number too large to represent');
    }
  });
}

export default fp(finiteNumbers, { name: 'finite-numbers' });
