/** Small helpers the page's views share. */

export function el<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string> = {}, ...children: Array<Node | string>): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  node.append(...children);
  return node;
}

/** An API error, with the status and the API's own message. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

let onUnauthorized = (): void => undefined;

/** What the page does when an API answer is 401 (a session that ended): sign-in.ts shows its form. */
export function whenUnauthorized(handler: () => void): void {
  onUnauthorized = handler;
}

async function failed(res: Response): Promise<ApiError> {
  if (res.status === 401) onUnauthorized();
  const body = await res.json().catch(() => null);
  const message = (body as { error?: { message?: string } } | null)?.error?.message ?? `HTTP ${res.status}`;
  return new ApiError(res.status, message);
}

export async function getJson<T>(url: string, init: RequestInit = {}): Promise<T> {
  const res = await fetch(url, { ...init, headers: { accept: 'application/json', ...(init.headers ?? {}) } });
  if (!res.ok) throw await failed(res);
  return (await res.json()) as T;
}

export async function getText(url: string): Promise<string> {
  const res = await fetch(url);
  if (!res.ok) throw await failed(res);
  return res.text();
}

/** Writes text to the clipboard; where the Clipboard API is refused (insecure origin), a hidden textarea. */
export async function copyText(text: string): Promise<void> {
  try {
    await navigator.clipboard.writeText(text);
  } catch {
    const ta = el('textarea', { 'aria-hidden': 'true' }, text);
    ta.style.position = 'fixed';
    ta.style.opacity = '0';
    document.body.append(ta);
    ta.select();
    document.execCommand('copy');
    ta.remove();
  }
}

/** The error's message for a person: unavailable search says so. */
export function errorText(err: unknown, what: string): string {
  const e = err as Partial<ApiError>;
  return e.status === 503 ? 'Search is unavailable for a moment. Try again shortly.' : `${what}: ${e.message ?? String(err)}`;
}
