/**
 * The URL when it is an absolute http(s) URL, else null. The API sends only such URLs; the page
 * checks again before it makes a link, so a `javascript:` or `data:` URL from any source never
 * becomes one.
 */
export function safeHttpUrl(url: string | null | undefined): string | null {
  if (!url || /[\s\u0000-\u001F\u007F]/.test(url)) return null;
  try {
    const u = new URL(url);
    return u.protocol === 'http:' || u.protocol === 'https:' ? url : null;
  } catch {
    return null;
  }
}

/** The API's own link to a document's original file (with `#page=N` for a PDF), else null. */
export function ownFileUrl(url: string | null | undefined): string | null {
  return url && /^\/api\/documents\/[A-Za-z0-9_-]{1,128}\/file(#page=\d{1,6})?$/.test(url) ? url : null;
}
