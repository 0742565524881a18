import type http from 'node:http';
import { onClientError } from './client-error.js';

/**
 * The HTTP server's limits, chosen so that idle, slow and oversized clients cannot hold it:
 * - headers must arrive within 10 s of the connection's first byte (Slowloris);
 * - a whole request within 30 s (the API takes no large bodies; 30 s leaves slow links room);
 * - an idle keep-alive connection is closed after 5 s (browsers reuse within that; proxies in front
 *   should keep theirs shorter, as nginx's default 60 s upstream is not), and Node's headersTimeout
 *   rule wants it below headersTimeout;
 * - at most 1,024 connections at once: Node closes any beyond that as they arrive, rather than
 *   let them eat memory (64 clients under load use 64);
 * - headers up to 32 KiB: single-sign-on proxies add identity headers and large cookies that pass
 *   Node's 16 KiB default; a 20 KB URL still ends up answered 414, a 100 KB header 431.
 */
export const SERVER_LIMITS = {
  headersTimeout: 10_000,
  requestTimeout: 30_000,
  keepAliveTimeout: 5_000,
  maxConnections: 1_024,
  maxHeaderSize: 32 * 1024,
} as const;

/** Options for http.createServer (maxHeaderSize can only be set there). */
export const serverOptions: http.ServerOptions = {
  maxHeaderSize: SERVER_LIMITS.maxHeaderSize,
  headersTimeout: SERVER_LIMITS.headersTimeout,
  requestTimeout: SERVER_LIMITS.requestTimeout,
  keepAliveTimeout: SERVER_LIMITS.keepAliveTimeout,
};

/** Applies the limits that are server properties, and answers parser rejections with JSON. */
export function applyServerLimits(server: http.Server): http.Server {
  server.headersTimeout = SERVER_LIMITS.headersTimeout;
  server.requestTimeout = SERVER_LIMITS.requestTimeout;
  server.keepAliveTimeout = SERVER_LIMITS.keepAliveTimeout;
  server.maxConnections = SERVER_LIMITS.maxConnections;
  server.on('clientError', onClientError);
  return server;
}
