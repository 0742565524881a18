/** Loopback addresses: the service is reachable only from this machine. */
export function isLoopbackHost(host: string): boolean {
  const h = host.trim().toLowerCase().replace(/^\[|\]$/g, '');
  return h === 'localhost' || h === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h) || /^::ffff:127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h);
}

/**
 * Why the service must not start, or null. Off loopback, someone must be asked who they are:
 * Citable's own accounts, or a single-sign-on proxy's header.
 */
export function accessProblem(host: string, configured: { accounts: boolean; proxyAuth: boolean }): string | null {
  if (isLoopbackHost(host) || configured.accounts || configured.proxyAuth) return null;
  return [
    `Refusing to listen on ${host} without access control: anyone who can reach the port could read every document.`,
    'Configure one of the two ways (or both):',
    '  1. Citable accounts and API tokens: npm run users -- add <name> --role reader|editor [--password]',
    '  2. A single-sign-on reverse proxy: set AUTH_PROXY_HEADER (the header it sets, e.g. X-Forwarded-User)',
    "     and AUTH_PROXY_ADDRESSES (the proxy's addresses, e.g. 10.0.0.5)",
    'Or listen on loopback only (HOST=127.0.0.1). See "Access control" in README.md.',
  ].join('\n');
}
