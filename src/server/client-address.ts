import type { IncomingMessage } from 'node:http';
import proxyaddr from 'proxy-addr';
import type { TrustProxy } from '../config.js';

/** A function telling whether the hop at `addr`, `i` steps from the socket, may be believed. */
export function compileTrust(trust: TrustProxy): (addr: string, i: number) => boolean {
  switch (trust.kind) {
    case 'off':
      return () => false;
    case 'hops':
      return (_addr, i) => i < trust.hops;
    case 'addresses':
      return proxyaddr.compile(trust.addresses);
  }
}

const addresses = new WeakMap<IncomingMessage, string>();

/**
 * The client's address as the rate limits and the audit trail see it: the socket's peer, or with
 * TRUST_PROXY the first untrusted hop of X-Forwarded-For. Computed once per request.
 */
export function clientAddressOf(trust: (addr: string, i: number) => boolean) {
  return (req: IncomingMessage): string => {
    let addr = addresses.get(req);
    if (addr === undefined) {
      addr = req.socket.remoteAddress ? proxyaddr(req, trust) : '';
      addresses.set(req, addr);
    }
    return addr;
  };
}

/** Whether the request came over TLS: directly, or (with a trusted proxy) as X-Forwarded-Proto says. */
export function cameOverTls(req: IncomingMessage, trust: (addr: string, i: number) => boolean): boolean {
  if ((req.socket as { encrypted?: boolean }).encrypted) return true;
  const peer = req.socket.remoteAddress;
  if (!peer || !trust(peer, 0)) return false;
  const proto = req.headers['x-forwarded-proto'];
  const first = (Array.isArray(proto) ? proto[0] : proto)?.split(',')[0]?.trim().toLowerCase();
  return first === 'https';
}
