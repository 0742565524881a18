import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { projectRoot } from '../src/config.js';

/*
 * The import rule: which layers of src/ each layer may import (its own files always). The files at
 * the top of src/ (config, errors, log, promises) are shared by every layer but text. web may
 * import types from anywhere but server, and nothing else.
 */
const MAY_IMPORT: Record<string, readonly string[]> = {
  text: [],
  ingest: ['text'],
  meili: [],
  accounts: [],
  terms: ['meili', 'text'],
  search: ['terms', 'meili', 'ingest', 'text'],
  indexing: ['terms', 'meili', 'ingest', 'text'],
  cite: [],
  saved: ['search', 'meili'],
  server: ['search', 'indexing', 'meili', 'cite', 'saved', 'accounts'],
  web: [],
};
const SHARED = '.';
const TYPES_ONLY = new Set(['web']);

interface Import {
  from: string;
  to: string;
  typeOnly: boolean;
}

/** The layer of a file under src/: its first folder, or SHARED for the files at the top. */
function layerOf(file: string): string {
  const parts = file.split('/');
  return parts.length === 1 ? SHARED : parts[0]!;
}

/** Every import and re-export of a module by a relative path, as paths under src/. */
function importsOf(file: string, source: string): Import[] {
  const out: Import[] = [];
  const statement = /(?:^|[\n;])\s*(import|export)\s+(type\s+)?(?:[^'";]*?\s+from\s+)?['"]([^'"]+)['"]/g;
  const dynamic = /\bimport\(\s*['"]([^'"]+)['"]\s*\)/g;
  const add = (spec: string, typeOnly: boolean) => {
    if (!spec.startsWith('.')) return;
    const to = path.posix.normalize(path.posix.join(path.posix.dirname(file), spec)).replace(/\.js$/, '.ts');
    out.push({ from: file, to, typeOnly });
  };
  for (const m of source.matchAll(statement)) add(m[3]!, m[2] !== undefined);
  for (const m of source.matchAll(dynamic)) add(m[1]!, false);
  return out;
}

/** The imports that break the rule, each with its reason. */
function violations(imports: readonly Import[]): string[] {
  const out: string[] = [];
  for (const { from, to, typeOnly } of imports) {
    const a = layerOf(from);
    const b = layerOf(to);
    if (a === b) continue;
    const where = `${from} imports ${to}`;
    if (b === 'server') out.push(`${where}: nothing imports server`);
    else if (TYPES_ONLY.has(a)) {
      if (!typeOnly) out.push(`${where}: ${a} imports only types`);
    } else if (b === SHARED) {
      if (a === 'text') out.push(`${where}: text imports nothing of the project`);
    } else if (a === SHARED) out.push(`${where}: the shared files import no layer`);
    else if (!MAY_IMPORT[a]?.includes(b)) out.push(`${where}: ${a} may import only ${MAY_IMPORT[a]?.join(', ') || 'nothing'} of the layers`);
  }
  return out;
}

function sourceFiles(dir: string, root = dir): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(p, root);
    return /\.(ts|mts)$/.test(e.name) ? [path.relative(root, p).split(path.sep).join('/')] : [];
  });
}

describe('layers', () => {
  it('every import of src/ follows the rule', () => {
    const src = path.join(projectRoot, 'src');
    const files = sourceFiles(src);
    const imports = files.flatMap((f) => importsOf(f, fs.readFileSync(path.join(src, f), 'utf8')));
    // The scan sees the imports it should: a layer that imports nothing would pass vacuously.
    assert.ok(imports.some((i) => i.from.startsWith('server/') && i.to.startsWith('search/')));
    assert.ok(imports.some((i) => i.from.startsWith('web/') && i.typeOnly === false && i.to.startsWith('web/')));
    assert.deepEqual(violations(imports), []);
  });

  it('names a lower layer importing a higher one, search and indexing importing each other, and any import of server', () => {
    const found = violations([
      ...importsOf('ingest/records.ts', "import { stemOf } from '../search/analyze.js';"),
      ...importsOf('search/backend.ts', "import {\n  runIndexJob,\n} from '../indexing/indexer.js';"),
      ...importsOf('text/words.ts', "import { CitableError } from '../errors.js';"),
      ...importsOf('meili/keys.ts', "export { termId } from '../terms/schema.js';"),
      ...importsOf('indexing/cli.ts', "const app = await import('../server/app.js');"),
      ...importsOf('web/app.ts', "import { shapeResponse } from '../search/shape.js';"),
    ]);
    assert.deepEqual(
      found.map((v) => v.split(':')[0]),
      [
        'ingest/records.ts imports search/analyze.ts',
        'search/backend.ts imports indexing/indexer.ts',
        'text/words.ts imports errors.ts',
        'meili/keys.ts imports terms/schema.ts',
        'indexing/cli.ts imports server/app.ts',
        'web/app.ts imports search/shape.ts',
      ],
    );
  });

  it('lets web import types', () => {
    assert.deepEqual(violations(importsOf('web/app.ts', "import type { SearchResponse } from '../search/shape.js';")), []);
  });
});
