// HTTP endpoint for Prometheus (/metrics) and for liveness probes (/healthz).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from '../log.ts';

export interface MetricsServerOptions {
  port: number;
  /** 0.0.0.0 so a Prometheus in another container can scrape; tests use 127.0.0.1. */
  host?: string;
  contentType: string;
  render(): Promise<string>;
  /** True while the process can serve users (gateway ready, not stopping). */
  healthy(): boolean;
  /**
   * Why the process serves with less than usual (e.g. 'database unreachable'), or null. Still a
   * 200: running voice sessions are fine and a restart would end them.
   */
  degraded?(): string | null;
  log: Logger;
}

export interface MetricsServer {
  readonly port: number;
  close(): Promise<void>;
}

export async function startMetricsServer(options: MetricsServerOptions): Promise<MetricsServer> {
  const server: Server = createServer(function handleMetricsRequest(request, response) {
    const path = new URL(request.url ?? '/', 'http://localhost').pathname;
    if (request.method !== 'GET') {
      response.writeHead(405, { allow: 'GET' }).end();
      return;
    }
    if (path === '/healthz') {
      const ok = options.healthy();
      const degraded = ok ? (options.degraded?.() ?? null) : null;
      const body = !ok ? 'not ready\n' : degraded === null ? 'ok\n' : `degraded: ${degraded}\n`;
      response.writeHead(ok ? 200 : 503, { 'content-type': 'text/plain' }).end(body);
      return;
    }
    if (path !== '/metrics') {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
      return;
    }
    options.render().then(
      (text) => response.writeHead(200, { 'content-type': options.contentType }).end(text),
      (error: unknown) => {
        options.log.error({ err: error }, 'metrics rendering failed');
        response.writeHead(500, { 'content-type': 'text/plain' }).end('metrics failed\n');
      },
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host ?? '0.0.0.0', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  options.log.info({ port }, 'metrics server listening');
  return {
    port,
    close() {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
