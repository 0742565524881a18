import { parse as parseYaml } from 'yaml';
import { IngestError } from '../errors.js';

export interface FrontMatter {
  data: Record<string, unknown>;
  body: string;
}

const FENCE = /^\uFEFF?---[ \t]*\r?\n([\s\S]*?)\r?\n(?:---|\.\.\.)[ \t]*(?:\r?\n|$)/;

/** True when the text opens with a YAML front-matter fence. */
export function hasFrontMatter(text: string): boolean {
  return FENCE.test(text);
}

/**
 * Splits YAML front matter from the body. Malformed YAML is an error for the caller to report: a
 * document whose metadata cannot be read should be named, not indexed half-right.
 */
export function splitFrontMatter(text: string): FrontMatter {
  const m = FENCE.exec(text);
  if (!m) return { data: {}, body: text };
  let parsed: unknown;
  try {
    // Aliases are bounded: a few lines of them can expand to billions of nodes.
    parsed = parseYaml(m[1] ?? '', { maxAliasCount: 100 });
  } catch (err) {
    throw new IngestError(`could not read the front matter: ${(err as Error).message}`, { cause: err });
  }
  const data = parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : {};
  return { data, body: text.slice(m[0].length) };
}

/** The first non-empty string among front-matter keys, looking inside one-element lists. */
export function pick(data: Record<string, unknown>, ...keys: string[]): string | null {
  for (const key of keys) {
    let v = data[key];
    if (Array.isArray(v)) v = v.find((x) => typeof x === "string" || x instanceof Date);
    if (v instanceof Date) return v.toISOString();
    if (typeof v === 'string' && v.trim() !== '') return v.replace(/\s+/g, ' ').trim();
    if (typeof v === 'number') return String(v);
  }
  return null;
}

/** Like pick, with the key the value was found under. */
export function pickEntry(data: Record<string, unknown>, ...keys: string[]): { key: string; value: string } | null {
  for (const key of keys) {
    const value = pick(data, key);
    if (value !== null) return { key, value };
  }
  return null;
}
