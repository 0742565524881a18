/**
 * Builds Meilisearch filter expressions from values without letting a value change the
 * expression: every value is a double-quoted string with quotes and backslashes escaped.
 */
export function quote(value: string | number): string {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Error('filter numbers must be finite');
    return String(value);
  }
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/** `attribute = "v"` for one value, `attribute IN ["a", "b"]` for several. */
export function eqAny(attribute: string, values: readonly (string | number)[]): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(attribute)) throw new Error(`bad filter attribute ${attribute}`);
  if (values.length === 1) return `${attribute} = ${quote(values[0]!)}`;
  return `${attribute} IN [${values.map(quote).join(', ')}]`;
}
