import { loadTest, meiliPid, n, SEARCH_PATHS, httpStatus, type ReliabilityCase } from '../harness.js';
import { pidAlive } from '../../../src/meili/embedded.js';

/** Keyword queries and questions from many clients at once: every answer a 200. */
export const load: ReliabilityCase = {
  name: 'load',
  async run({ service, clients, seconds }) {
    const r = await loadTest({ base: service.url, paths: SEARCH_PATHS, clients, seconds });
    const bad = r.bad.length > 0 ? `; first errors: ${r.bad.join(' | ')}` : '';
    return {
      ok: r.errors === 0 && r.requests > 0,
      figures: `${clients} clients for ${r.seconds.toFixed(0)} s: ${n(r.requests)} requests, ${n(Math.round(r.requests / r.seconds))} req/s, p50 ${r.p50} ms, p99 ${r.p99} ms, ${r.errors} errors${bad}`,
    };
  },
};

/**
 * Meilisearch killed (SIGKILL) under load: every answer meanwhile is a 200 or a JSON 503 with
 * Retry-After, and the service, without a restart, serves again.
 */
export const meiliKilled: ReliabilityCase = {
  name: 'meilisearch-killed-under-load',
  async run({ service }) {
    const before = meiliPid(service.dataDir)!;
    let killedAt = 0;
    let readyAgainMs = -1;
    const r = await loadTest({
      base: service.url,
      paths: SEARCH_PATHS,
      clients: 16,
      seconds: 15,
      accept: (a) => {
        if (a.status !== 503 || a.headers['retry-after'] === undefined) return false;
        try {
          return typeof (JSON.parse(a.body) as { error?: { code?: string } }).error?.code === 'string';
        } catch {
          return false;
        }
      },
      onTick: (ms) => {
        if (killedAt === 0 && ms > 3_000) {
          process.kill(before, 'SIGKILL');
          killedAt = Date.now();
          void (async () => {
            while (readyAgainMs < 0 && Date.now() - killedAt < 60_000) {
              if (meiliPid(service.dataDir) !== before && (await httpStatus(`${service.url}/readyz`)) === 200) readyAgainMs = Date.now() - killedAt;
              else await new Promise((res) => setTimeout(res, 20));
            }
          })();
        }
      },
    });
    while (readyAgainMs < 0 && Date.now() - killedAt < 60_000) await new Promise((res) => setTimeout(res, 100));
    const unavailable = r.statuses.get(503) ?? 0;
    const sameService = service.child.exitCode === null && pidAlive(service.pid);
    return {
      ok: r.errors === 0 && readyAgainMs >= 0 && sameService,
      figures:
        `${n(r.requests)} requests, ${unavailable} JSON 503 with Retry-After, ${r.errors} other errors; ` +
        `ready again ${readyAgainMs >= 0 ? `${(readyAgainMs / 1000).toFixed(2)} s` : 'never (60 s)'} after the kill, ` +
        `new Meilisearch pid ${meiliPid(service.dataDir)}, same service process: ${sameService ? 'yes' : 'no'}` +
        (r.bad.length > 0 ? `; first errors: ${r.bad.join(' | ')}` : ''),
    };
  },
};
