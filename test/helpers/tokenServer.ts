import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A customer's Zoom token endpoint on loopback, for the token tests: each path answers as its handler says (a
 * status, a body, headers, or never), and every request is kept (method, path with query, headers, body).
 */
export interface TokenRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: string;
}

export type TokenAnswer = { status: number; body?: string; headers?: Record<string, string> } | 'hang';
export type TokenHandler = (req: TokenRequest, nth: number) => TokenAnswer;

export class TokenServer {
  readonly requests: TokenRequest[] = [];
  private readonly routes = new Map<string, TokenHandler>();
  private readonly hanging: (() => void)[] = [];

  private constructor(private readonly server: Server) {}

  static async start(): Promise<TokenServer> {
    let self: TokenServer | null = null;
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(', ') : (v ?? '')]));
        const rec: TokenRequest = { method: req.method ?? 'GET', path: req.url ?? '/', headers, body: Buffer.concat(chunks).toString('utf8') };
        const pathname = new URL(rec.path, 'http://x').pathname;
        const nth = self!.requests.filter((r) => new URL(r.path, 'http://x').pathname === pathname).length;
        self!.requests.push(rec);
        const answer = self!.routes.get(pathname)?.(rec, nth) ?? { status: 404 };
        if (answer === 'hang') return void self!.hanging.push(() => res.destroy());
        res.writeHead(answer.status, { 'content-type': 'text/plain', ...answer.headers }).end(answer.body ?? '');
      });
    });
    self = new TokenServer(server);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    return self;
  }

  on(path: string, handler: TokenHandler): this {
    this.routes.set(path, handler);
    return this;
  }

  url(path: string): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}${path}`;
  }

  requestsTo(path: string): TokenRequest[] {
    return this.requests.filter((r) => new URL(r.path, 'http://x').pathname === path);
  }

  async close(): Promise<void> {
    for (const h of this.hanging.splice(0)) h();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
