import { Meilisearch } from 'meilisearch';
import type { Config } from '../config.js';
import { SearchUnavailableError } from '../errors.js';
import { EmbeddedMeilisearch, isHealthy, type EmbeddedRole } from './embedded.js';

/** Where Meilisearch is and how to speak to it with full rights. Never leaves the server process. */
export interface MeiliConnection {
  url: string;
  masterKey: string;
  /** Set when the instance runs under DATA_DIR (started here or attached to). */
  embedded: EmbeddedMeilisearch | null;
}

/** Timeout for every administrative call to Meilisearch. */
export const ADMIN_TIMEOUT_MS = 30_000;

/**
 * Uses the external Meilisearch of MEILI_URL when set (and launches nothing), else attaches to or
 * starts the embedded one for DATA_DIR.
 */
export async function connectMeilisearch(
  config: Config,
  opts: { onUnexpectedExit?: (code: number | null, signal: NodeJS.Signals | null) => void; role?: EmbeddedRole } = {},
): Promise<MeiliConnection> {
  if (config.meiliUrl) {
    if (!(await isHealthy(config.meiliUrl, 5_000))) {
      throw new SearchUnavailableError(`Meilisearch at MEILI_URL=${config.meiliUrl} does not answer /health`);
    }
    return { url: config.meiliUrl, masterKey: config.meiliMasterKey ?? '', embedded: null };
  }
  const embedded = await EmbeddedMeilisearch.startOrAttach({
    dataDir: config.dataDir,
    maxIndexingThreads: config.maxIndexingThreads,
    maxIndexingMemory: config.maxIndexingMemory,
    onUnexpectedExit: opts.onUnexpectedExit,
    role: opts.role,
  });
  return { url: embedded.url, masterKey: embedded.masterKey, embedded };
}

/** An administrative client (master key) with a timeout on every request. */
export function adminClient(conn: Pick<MeiliConnection, 'url' | 'masterKey'>): Meilisearch {
  return new Meilisearch({ host: conn.url, apiKey: conn.masterKey, timeout: ADMIN_TIMEOUT_MS });
}

/**
 * The nodes of MEILI_NODES, each checked to answer /health; an unreachable one is named. (With
 * several nodes nothing is embedded: each is a Meilisearch of its own.)
 */
export async function connectNodes(config: Config): Promise<Array<MeiliConnection & { name: string }>> {
  const answers = await Promise.all(config.meiliNodes.map((n) => isHealthy(n.url, 5_000)));
  const down = config.meiliNodes.filter((_, i) => !answers[i]);
  if (down.length > 0) {
    throw new SearchUnavailableError(`Meilisearch node${down.length > 1 ? 's' : ''} of MEILI_NODES not answering /health: ${down.map((n) => n.url).join(', ')}`);
  }
  return config.meiliNodes.map((n) => ({ name: n.name, url: n.url, masterKey: n.key, embedded: null }));
}
