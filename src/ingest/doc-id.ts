import path from 'node:path';

/**
 * Stable, Meilisearch-safe document id derived from a file name. Its own module: the indexing job
 * names files without loading the readers, which run in worker threads.
 */
export function docIdFromFile(file: string): string {
  const stem = path.basename(file).replace(/\.[^.]+$/, '');
  const slug = stem.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').replace(/[^A-Za-z0-9_-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 100);
  return slug === '' ? 'doc' : slug;
}
