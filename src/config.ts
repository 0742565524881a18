import fs from 'node:fs';
import path from 'node:path';
import proxyaddr from 'proxy-addr';
import { z } from 'zod';
import { ConfigError } from './errors.js';

/** One of several Meilisearch instances serving one collection (MEILI_NODES; meili/nodes.ts). */
export interface MeiliNode {
  /** Stable name: the node's place in the network, and what routing hashes. */
  name: string;
  url: string;
  /** Its master key (never leaves the server process). */
  key: string;
}

/**
 * Reads MEILI_NODES: entries separated by commas, each a URL optionally followed by a space and
 * that node's master key (else `defaultKey`, MEILI_MASTER_KEY). A node's name is its host and
 * port, so that listing the nodes in another order routes every document as before.
 * Returns the nodes, or the problems found (one line each).
 */
export function parseNodes(spec: string, defaultKey: string | null): { nodes: MeiliNode[]; problems: string[] } {
  const nodes: MeiliNode[] = [];
  const problems: string[] = [];
  for (const entry of spec.split(',').map((s) => s.trim()).filter(Boolean)) {
    const [rawUrl, key, ...extra] = entry.split(/\s+/);
    let url: URL;
    try {
      url = new URL(rawUrl!);
    } catch {
      problems.push(`"${rawUrl}" is not a URL`);
      continue;
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      problems.push(`"${rawUrl}" must be an http(s) URL`);
      continue;
    }
    if (extra.length > 0) problems.push(`"${entry}" holds more than a URL and a key`);
    const apiKey = key ?? defaultKey;
    if (!apiKey) problems.push(`${rawUrl} has no key: follow it with its master key, or set MEILI_MASTER_KEY`);
    const name = nodeName(url);
    if (nodes.some((n) => n.name === name)) problems.push(`${rawUrl} is listed twice`);
    nodes.push({ name, url: rawUrl!.replace(/\/+$/, ''), key: apiKey ?? '' });
  }
  if (nodes.length === 0 && problems.length === 0) problems.push('lists no node');
  return { nodes, problems };
}

/** A node's name from its URL: host and port, in the letters Meilisearch allows in a remote's name. */
export function nodeName(url: URL): string {
  const port = url.port || (url.protocol === 'https:' ? '443' : '80');
  return `${url.hostname}-${port}${url.pathname.replace(/\/+$/, '')}`.replace(/[^A-Za-z0-9_-]+/g, '-');
}

/**
 * Which hops of X-Forwarded-For are believed: none (off, the default: the socket's peer is the
 * client), a hop count, or the addresses of trusted proxies (IPs, CIDRs, or proxy-addr's names
 * `loopback`, `linklocal`, `uniquelocal`).
 */
export type TrustProxy = { kind: 'off' } | { kind: 'hops'; hops: number } | { kind: 'addresses'; addresses: string[] };

/** Runtime configuration, read once from the environment and validated as a whole. */
export interface Config {
  port: number;
  host: string;
  dataDir: string;
  meiliUrl: string | null;
  meiliMasterKey: string | null;
  /** Several Meilisearch nodes serving the collection (MEILI_NODES); empty for one. */
  meiliNodes: MeiliNode[];
  index: string;
  logLevel: string;
  /** Threads Meilisearch may use to index; null leaves its own default. */
  maxIndexingThreads: number | null;
  /** Memory the embedded Meilisearch may index with (its --max-indexing-memory); null leaves its own default. */
  maxIndexingMemory: string | null;
  /** Origins allowed by CORS; empty means CORS is off. */
  corsOrigins: string[];
  /** Requests per minute per client on the public API. */
  rateLimitPerMinute: number;
  synonymsFile: string;
  /** The header a single-sign-on proxy sets to the signed-in user, and the proxy's addresses. */
  proxyAuth: { header: string; addresses: string[] } | null;
  trustProxy: TrustProxy;
  /** Whether the request log keeps query strings (off: queries belong in the audit trail only). */
  logQueries: boolean;
  /** The audit trail starts a new file past this size. */
  auditRotateBytes: number;
  /** The folders an editor's `POST /api/index` indexes (INDEX_ROOTS); empty leaves indexing to `npm run index`. */
  indexRoots: string[];
}

/**
 * Requests per minute per client on the public API: ten a second, more than a person typing in the
 * search box sends, few enough that one client cannot hold the service.
 */
export const DEFAULT_RATE_LIMIT_PER_MINUTE = 600;

const port = (name: string, fallback: number) =>
  z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v === '') return fallback;
      const n = Number(v);
      if (!Number.isInteger(n) || n < 0 || n > 65535) {
        ctx.addIssue({ code: 'custom', message: `${name} must be a whole number from 0 to 65535, got "${v}"` });
        return z.NEVER;
      }
      return n;
    });

const positiveInt = (name: string, fallback: number | null) =>
  z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v === '') return fallback;
      const n = Number(v);
      if (!Number.isInteger(n) || n < 1) {
        ctx.addIssue({ code: 'custom', message: `${name} must be a whole number of at least 1, got "${v}"` });
        return z.NEVER;
      }
      return n;
    });

/** A size as Meilisearch's --max-indexing-memory reads it: bytes, or a number with a unit. */
const BYTE_SIZE = /^\d+(\.\d+)?\s*(b|kb|kib|mb|mib|gb|gib|tb|tib)?$/i;

const schema = z
  .object({
    PORT: port('PORT', 3000),
    HOST: z.string().min(1, 'HOST must not be empty').optional(),
    DATA_DIR: z.string().min(1, 'DATA_DIR must not be empty').default('./data'),
    MEILI_URL: z
      .string()
      .optional()
      .refine((v) => v === undefined || v === '' || /^https?:\/\/[^\s]+$/.test(v), {
        message: 'MEILI_URL must be an http(s) URL such as http://localhost:7700',
      }),
    MEILI_MASTER_KEY: z.string().optional(),
    MEILI_NODES: z.string().optional(),
    INDEX: z
      .string()
      .default('passages')
      .refine((v) => /^[A-Za-z0-9_-]{1,200}$/.test(v), {
        message: 'INDEX may hold only letters, digits, "-" and "_" (at most 200)',
      }),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    MEILI_MAX_INDEXING_THREADS: positiveInt('MEILI_MAX_INDEXING_THREADS', null),
    MEILI_MAX_INDEXING_MEMORY: z
      .string()
      .optional()
      .refine((v) => v === undefined || v === '' || BYTE_SIZE.test(v), {
        message: 'MEILI_MAX_INDEXING_MEMORY must be a size such as 2GiB, 512MB or 1073741824',
      }),
    CORS_ORIGINS: z.string().default(''),
    RATE_LIMIT_PER_MINUTE: positiveInt('RATE_LIMIT_PER_MINUTE', DEFAULT_RATE_LIMIT_PER_MINUTE),
    SYNONYMS_FILE: z.string().optional(),
    INDEX_ROOTS: z.string().default(''),
  })
  .superRefine((env, ctx) => {
    if (env.MEILI_NODES) {
      if (env.MEILI_URL) ctx.addIssue({ code: 'custom', path: ['MEILI_NODES'], message: 'MEILI_NODES and MEILI_URL exclude each other: list every node in MEILI_NODES' });
      for (const problem of parseNodes(env.MEILI_NODES, env.MEILI_MASTER_KEY || null).problems) {
        ctx.addIssue({ code: 'custom', path: ['MEILI_NODES'], message: `MEILI_NODES: ${problem}` });
      }
    }
    const url = env.MEILI_URL ?? '';
    if (url !== '' && !env.MEILI_MASTER_KEY) {
      ctx.addIssue({
        code: 'custom',
        path: ['MEILI_MASTER_KEY'],
        message: 'MEILI_MASTER_KEY must be set when MEILI_URL is set',
      });
    }
  });

/** 10 MiB: about 40,000 audited requests per file. */
export const DEFAULT_AUDIT_ROTATE_BYTES = 10 * 1024 * 1024;

const HEADER_NAME = /^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,64}$/;
/** Headers a client sets itself or that carry other meaning: never accepted as the identity header. */
const RESERVED_HEADERS = new Set(['authorization', 'cookie', 'host', 'x-forwarded-for', 'x-forwarded-proto', 'x-forwarded-host', 'x-request-id']);

function list(v: string | undefined): string[] {
  return (v ?? '').split(',').map((s) => s.trim()).filter(Boolean);
}

function checkAddresses(name: string, addrs: string[], ctx: z.RefinementCtx): void {
  try {
    proxyaddr.compile(addrs);
  } catch (err) {
    ctx.addIssue({ code: 'custom', message: `${name}: ${(err as Error).message} (use IPs, CIDRs such as 10.0.0.0/8, loopback, linklocal or uniquelocal)` });
  }
}

/** Who may ask: the single-sign-on header, the proxies believed, what the logs keep. */
const accessSchema = z
  .object({
    AUTH_PROXY_HEADER: z.string().optional(),
    AUTH_PROXY_ADDRESSES: z.string().optional(),
    TRUST_PROXY: z.string().optional(),
    LOG_QUERIES: z.enum(['', 'true', 'false'], { message: 'LOG_QUERIES must be true or false' }).optional(),
    AUDIT_ROTATE_BYTES: z.string().optional(),
  })
  .transform((e, ctx): Pick<Config, 'proxyAuth' | 'trustProxy' | 'logQueries' | 'auditRotateBytes'> => {
    const header = e.AUTH_PROXY_HEADER?.trim() ?? '';
    const proxyAddrs = list(e.AUTH_PROXY_ADDRESSES);
    let proxyAuth: Config['proxyAuth'] = null;
    if (header !== '' || proxyAddrs.length > 0) {
      if (header === '' || proxyAddrs.length === 0) {
        ctx.addIssue({ code: 'custom', message: "AUTH_PROXY_HEADER and AUTH_PROXY_ADDRESSES must be set together (the header the proxy sets, and the proxy's addresses)" });
      } else if (!HEADER_NAME.test(header) || RESERVED_HEADERS.has(header.toLowerCase())) {
        ctx.addIssue({ code: 'custom', message: `AUTH_PROXY_HEADER must name a header of its own such as X-Forwarded-User, got "${header}"` });
      } else {
        checkAddresses('AUTH_PROXY_ADDRESSES', proxyAddrs, ctx);
        proxyAuth = { header: header.toLowerCase(), addresses: proxyAddrs };
      }
    }
    const raw = e.TRUST_PROXY?.trim() ?? '';
    let trustProxy: TrustProxy = { kind: 'off' };
    if (/^\d+$/.test(raw) && raw !== '0') trustProxy = { kind: 'hops', hops: Number(raw) };
    else if (raw !== '' && raw !== 'false' && raw !== '0') {
      const addrs = list(raw);
      checkAddresses('TRUST_PROXY', addrs, ctx);
      trustProxy = { kind: 'addresses', addresses: addrs };
    }
    let auditRotateBytes = DEFAULT_AUDIT_ROTATE_BYTES;
    if (e.AUDIT_ROTATE_BYTES !== undefined && e.AUDIT_ROTATE_BYTES !== '') {
      const n = Number(e.AUDIT_ROTATE_BYTES);
      if (!Number.isInteger(n) || n < 4096) ctx.addIssue({ code: 'custom', message: `AUDIT_ROTATE_BYTES must be a whole number of at least 4096, got "${e.AUDIT_ROTATE_BYTES}"` });
      else auditRotateBytes = n;
    }
    return { proxyAuth, trustProxy, logQueries: e.LOG_QUERIES === 'true', auditRotateBytes };
  });

/** The folder holding package.json, whether running from src/ or from compiled dist/src/. */
function findProjectRoot(start: string): string {
  for (let dir = start; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'package.json'))) return dir;
    if (path.dirname(dir) === dir) return path.resolve(start, '..');
  }
}

const projectRoot = findProjectRoot(import.meta.dirname);

/**
 * Reads and validates the configuration. Every bad value is reported, one line each, in a single
 * ConfigError so that a user fixes them all at once.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = schema.safeParse(env);
  const access = accessSchema.safeParse(env);
  if (!parsed.success || !access.success) {
    const issues = [...(parsed.error?.issues ?? []), ...(access.error?.issues ?? [])];
    const lines = issues.map((i) => {
      const key = i.path.join('.');
      return key === '' || i.message.startsWith(key) ? `- ${i.message}` : `- ${key}: ${i.message}`;
    });
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  const meiliUrl = e.MEILI_URL ? e.MEILI_URL.replace(/\/+$/, '') : null;
  return {
    port: e.PORT,
    // Embedded mode keeps everything on loopback; behind an external Meilisearch (containers),
    // the default stays loopback too and deployments opt in to 0.0.0.0 explicitly.
    host: e.HOST ?? '127.0.0.1',
    dataDir: path.resolve(e.DATA_DIR),
    meiliUrl,
    meiliMasterKey: e.MEILI_MASTER_KEY || null,
    meiliNodes: e.MEILI_NODES ? parseNodes(e.MEILI_NODES, e.MEILI_MASTER_KEY || null).nodes : [],
    index: e.INDEX,
    logLevel: e.LOG_LEVEL,
    maxIndexingThreads: e.MEILI_MAX_INDEXING_THREADS,
    maxIndexingMemory: e.MEILI_MAX_INDEXING_MEMORY || null,
    corsOrigins: e.CORS_ORIGINS.split(',').map((s) => s.trim()).filter(Boolean),
    rateLimitPerMinute: e.RATE_LIMIT_PER_MINUTE ?? DEFAULT_RATE_LIMIT_PER_MINUTE,
    synonymsFile: path.resolve(e.SYNONYMS_FILE ?? path.join(projectRoot, 'config', 'synonyms.json')),
    indexRoots: list(e.INDEX_ROOTS).map((root) => path.resolve(root)),
    ...access.data,
  };
}

export { projectRoot };
