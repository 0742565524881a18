/**
 * The API as `npm start` serves it, against a given Meilisearch and index, on a free port; prints
 * the port on stdout. Used by bench-api so the proxy has its own process, as in production.
 * ACCESS_DATA_DIR: access control as main sets it up, with that folder's accounts and an audit trail.
 */
import path from 'node:path';
import { UsersStore } from '../../src/accounts/users-store.js';
import { DEFAULT_AUDIT_ROTATE_BYTES, projectRoot } from '../../src/config.js';
import { SearchBackend } from '../../src/search/backend.js';
import { createLogger } from '../../src/log.js';
import { MeiliSearchClient } from '../../src/meili/client.js';
import { loadSynonyms } from '../../src/meili/settings.js';
import { createApp } from '../../src/server/app.js';
import { AuditLog } from '../../src/server/audit/audit-log.js';
import { createAccess } from '../../src/server/auth/access.js';

const { MEILI_URL, SEARCH_KEY, INDEX, LOG_FILE, SYNONYMS_FILE, ACCESS_DATA_DIR } = process.env;
if (!MEILI_URL || !SEARCH_KEY || !INDEX) throw new Error('MEILI_URL, SEARCH_KEY and INDEX are required');
// The service's logger at its default level; the request logs go to a file, as a deployment keeps them.
const logger = createLogger('info', LOG_FILE ?? '/dev/null');
const backend = new SearchBackend(() => ({ url: MEILI_URL, key: SEARCH_KEY, index: INDEX }), {
  synonyms: loadSynonyms(SYNONYMS_FILE ?? path.join(projectRoot, 'config', 'synonyms.json')),
});
const app = createApp({
  search: backend,
  readiness: async () => ({ ready: true, passages: 1 }),
  logger,
  rateLimitPerMinute: 10_000_000,
  webRoot: path.join(projectRoot, 'dist', 'web'),
  // The collection list, citations, exports and batches (bench-export measures exports); no saved searches.
  workflow: { meili: new MeiliSearchClient(() => ({ url: MEILI_URL, key: SEARCH_KEY, index: INDEX })), saved: null },
  access: ACCESS_DATA_DIR
    ? createAccess({
        store: new UsersStore(ACCESS_DATA_DIR),
        loopback: true,
        proxyAuth: null,
        trustProxy: { kind: 'off' },
        audit: new AuditLog(ACCESS_DATA_DIR, { rotateBytes: DEFAULT_AUDIT_ROTATE_BYTES }),
      })
    : undefined,
});
const server = app.listen(0, '127.0.0.1', () => {
  process.stdout.write(`${(server.address() as { port: number }).port}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
