import { z } from 'zod';
import type { MeiliSearchClient } from '../meili/client.js';
import { eqAny, quote } from '../meili/filter.js';
import { RETRIEVED_FIELDS } from './query.js';
import type { RawHit } from './shape.js';

/** A passage id is its document's id and its position: `<docId>-<position>`. */
const PASSAGE_ID = /^([A-Za-z0-9_-]{1,128})-(\d{1,6})$/;

export function isPassageId(id: string): boolean {
  return PASSAGE_ID.test(id);
}

/** The path parameter of a passage's routes. */
export const passageIdParamsSchema = z.object({
  id: z
    .string()
    .regex(PASSAGE_ID, 'is a document id, "-" and a position, as search hits give it')
    .meta({ description: 'A hit\'s id: the document id, "-" and the position.' }),
});

/** A passage as the API reads it, with the pages and format the indexer records, when it does. */
export type PassageRecordView = RawHit;

/** The passage with this id, or null when there is none. */
export async function passageById(meili: MeiliSearchClient, id: string): Promise<PassageRecordView | null> {
  const m = PASSAGE_ID.exec(id);
  if (!m) return null;
  const raw = await meili.search<{ hits: PassageRecordView[] }>({
    q: '',
    filter: `${eqAny('docId', [m[1]!])} AND position = ${quote(Number(m[2]))}`,
    limit: 1,
    attributesToRetrieve: RETRIEVED_FIELDS,
  });
  return raw.hits[0] ?? null;
}
