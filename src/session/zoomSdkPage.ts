import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * The bot's own page for Zoom's Meeting SDK, served from a loopback address as Attendee serves its own
 * (zoom_web_static_server.py: http://127.0.0.1:<port>/, the SDK loaded from Zoom's CDN): `/join` loads the SDK's
 * scripts, `/left` is where the client view goes when it leaves the meeting (ZoomMtg.init leaveUrl). A page the
 * browser gets from a real loopback server, not one Playwright makes up: Chromium's Local Network Access lets a
 * loopback page load from loopback (an operator's SDK copy on the same host, the tests' mock) and from the CDN.
 */
export class ZoomSdkPageServer {
  private server: Server | null = null;
  private urls: Promise<{ url: string; leftUrl: string }> | null = null;

  constructor(private readonly scripts: readonly string[]) {}

  /** Starts the server on first use. */
  page(): Promise<{ url: string; leftUrl: string }> {
    return (this.urls ??= this.start());
  }

  async close(): Promise<void> {
    const server = this.server;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private async start(): Promise<{ url: string; leftUrl: string }> {
    const join = page(this.scripts.map((src) => `<script src="${src.replace(/&/g, '&amp;').replace(/"/g, '&quot;')}"></script>`).join('\n'));
    const left = page('The Zoom Meeting SDK left the meeting.');
    const server = createServer((req, res) => {
      const path = new URL(req.url ?? '/', 'http://page').pathname;
      const body = path === '/join' ? join : path === '/left' ? left : null;
      res.writeHead(body === null ? 404 : 200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
      res.end(body ?? '');
    });
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return { url: `${origin}/join`, leftUrl: `${origin}/left` };
  }
}

function page(body: string): string {
  return `<!doctype html>\n<html lang="en-US"><head><meta charset="utf-8"><title>Zoom</title></head><body>\n${body}\n</body></html>\n`;
}
