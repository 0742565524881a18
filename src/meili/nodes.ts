import { createHash } from 'node:crypto';
import type { Meilisearch, Remote } from 'meilisearch';
import type { MeiliNode } from '../config.js';

/*
 * Several Meilisearch instances serving one collection (MEILI_NODES; see MeiliNode in config.ts).
 * Each document, with all its passages, lives on one node; searches go to one node, which asks the
 * others through Meilisearch's own remote federated search (the experimental `network` feature)
 * and merges their ranked hits.
 */

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
