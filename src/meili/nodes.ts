import { createHash } from 'node:crypto';
import type { Meilisearch, Remote } from 'meilisearch';

/**
 * Several Meilisearch instances serving one collection. Each document, with all its passages,
 * lives on one node; searches go to one node, which asks the others through Meilisearch's own
 * remote federated search (the experimental `network` feature) and merges their ranked hits.
 */
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

/** Rendezvous score of a document on a node: the first 52 bits of a hash of both names. */
function score(node: string, docId: string): number {
  const digest = createHash('sha256').update(node).update('\0').update(docId).digest();
  return digest.readUIntBE(0, 6) * 16 + (digest[6]! >> 4);
}

/**
 * The node a document lives on: the one where it scores highest (rendezvous, or highest random
 * weight, hashing). Adding a node moves only the documents that now score highest on it, and
 * removing one moves only its own documents; every other document stays where it was.
 */
export function nodeFor<N extends { name: string }>(docId: string, nodes: readonly N[]): N {
  let best = nodes[0]!;
  let bestScore = -1;
  for (const node of nodes) {
    const s = score(node.name, docId);
    if (s > bestScore || (s === bestScore && node.name < best.name)) {
      best = node;
      bestScore = s;
    }
  }
  return best;
}

/** A node with the clients and key the network needs. */
export interface NetworkNode extends MeiliNode {
  admin: Meilisearch;
  /** The search-only key the other nodes use to query this one. */
  searchKey: string;
}

/**
 * Makes every node know every other as a remote (and itself as `self`), so that a federated
 * multi-search sent to any of them can name each node with `federationOptions.remote`. Remotes
 * left from an earlier list are removed.
 */
export async function configureNetwork(nodes: readonly NetworkNode[]): Promise<void> {
  await Promise.all(
    nodes.map(async (n) => {
      await n.admin.updateExperimentalFeatures({ network: true });
      const current = await n.admin.getNetwork();
      const remotes: Record<string, Remote | null> = {};
      for (const name of Object.keys(current.remotes ?? {})) remotes[name] = null;
      for (const m of nodes) remotes[m.name] = { url: m.url, searchApiKey: m.searchKey };
      await n.admin.updateNetwork({ self: n.name, remotes: remotes as Record<string, Remote> });
    }),
  );
}
