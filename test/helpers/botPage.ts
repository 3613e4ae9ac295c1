import { readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WebSocket } from 'ws';

/**
 * Fault injection into a running bot's page from outside, as a second DevTools client: the bot's Chromium
 * listens on a port it wrote to `<work dir>/chromium-profile/DevToolsActivePort` (the work dir is
 * `<tmp>/meetbot-<first 8 characters of the bot id>-XXXXXX`).
 */
export function devToolsPort(botId: string): number | null {
  const prefix = `meetbot-${botId.slice(0, 8)}-`;
  for (const dir of readdirSync(tmpdir()).filter((d) => d.startsWith(prefix))) {
    try {
      const port = Number(readFileSync(join(tmpdir(), dir, 'chromium-profile', 'DevToolsActivePort'), 'utf8').split('\n')[0]);
      if (port > 0) return port;
    } catch {
      /* not written yet, or another bot's leftover */
    }
  }
  return null;
}

/** Sends one CDP command to the first page whose URL contains `urlPart`, and waits for its answer. */
export async function sendToPage(botId: string, urlPart: string, method: string, params: Record<string, unknown> = {}): Promise<unknown> {
  const port = devToolsPort(botId);
  if (!port) throw new Error(`no DevTools port for bot ${botId}`);
  const targets = (await (await fetch(`http://127.0.0.1:${port}/json/list`)).json()) as { type: string; url: string; webSocketDebuggerUrl: string }[];
  const target = targets.find((t) => t.type === 'page' && t.url.includes(urlPart));
  if (!target) throw new Error(`no page with ${urlPart}: ${targets.map((t) => t.url).join(', ')}`);
  const ws = new WebSocket(target.webSocketDebuggerUrl);
  try {
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    return await new Promise((resolve, reject) => {
      ws.on('message', (data: Buffer) => {
        const msg = JSON.parse(data.toString()) as { id?: number; result?: unknown; error?: { message: string } };
        if (msg.id !== 1) return;
        if (msg.error) reject(new Error(msg.error.message));
        else resolve(msg.result);
      });
      ws.send(JSON.stringify({ id: 1, method, params }));
    });
  } finally {
    ws.terminate();
  }
}

/** Makes the page's main thread loop forever (after answering), as a runaway script would. */
export function hangPage(botId: string, urlPart: string): Promise<unknown> {
  return sendToPage(botId, urlPart, 'Runtime.evaluate', { expression: 'setTimeout(() => { for (;;) {} }, 0); true' });
}
