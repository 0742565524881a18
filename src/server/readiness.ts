import { Meilisearch } from 'meilisearch';
import type { MeiliConnection } from '../meili/connect.js';
import type { Readiness } from './routes.js';

/** /readyz answers within this time: a probe (or a load balancer) must not wait on a stalled Meilisearch. */
const READINESS_TIMEOUT_MS = 1_000;

/**
 * Ready when Meilisearch answers and the index holds passages, counted by the index's own statistics
 * (summed over the nodes): a search's hit count stops at its maxTotalHits. The statistics need the
 * master key, which stays in this process.
 */
export async function passageReadiness(nodes: readonly Pick<MeiliConnection, 'url' | 'masterKey'>[], index: string): Promise<Readiness> {
  try {
    const stats = await Promise.all(
      nodes.map((n) => new Meilisearch({ host: n.url, apiKey: n.masterKey, timeout: READINESS_TIMEOUT_MS }).index(index).getStats()),
    );
    const passages = stats.reduce((sum, s) => sum + s.numberOfDocuments, 0);
    return passages > 0 ? { ready: true, passages } : { ready: false, passages, reason: 'The index holds no passages yet' };
  } catch (err) {
    return { ready: false, passages: 0, reason: `Meilisearch does not answer: ${(err as Error).message}` };
  }
}
