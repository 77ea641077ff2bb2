// The `sequence_ids` parameter of the v3 xrefs endpoints: a comma-separated list of the legacy v2 numeric
// ids (at most 500), read once for contacts and lists alike.
import { invalidFields } from '../errors.ts';

export const MAX_SEQUENCE_IDS = 500;

/** Distinct positive integers in ascending order; 400 naming the parameter for anything else. */
export function parseSequenceIds(raw: string | undefined): number[] {
  const items = (raw ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  if (!items.length) throw invalidFields({ sequence_ids: 'sequence_ids is required: comma-separated numeric ids' });
  if (items.length > MAX_SEQUENCE_IDS) {
    throw invalidFields({ sequence_ids: `sequence_ids accepts at most ${MAX_SEQUENCE_IDS} ids` });
  }
  const bad = items.find((s) => !/^[1-9][0-9]{0,14}$/.test(s));
  if (bad !== undefined) throw invalidFields({ sequence_ids: `sequence_ids must hold positive integers (got "${bad}")` });
  return [...new Set(items.map(Number))].sort((a, b) => a - b);
}
