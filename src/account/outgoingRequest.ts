import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { outgoingUrlIssue } from '../config/crossChecks.js';
import { hostRefusal } from '../meetingUrl/hostGuard.js';
import { redactUrl } from '../util/redactUrl.js';

/**
 * One HTTP request the bot makes to a URL from the body (the Zoom token URLs), under the rules of the body's
 * outgoing URLs (config/crossChecks.ts): https to a public host name, http only to a loopback receiver with the
 * operator switch. The rules hold for every hop and for the addresses the name resolves to, so neither a
 * redirect nor a DNS answer can take the request to an internal host. Bounded in time and in size.
 */
export interface OutgoingRequest {
  url: string;
  method: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
  allowLoopback: boolean;
  /** For the whole request, redirects included. */
  timeoutMs: number;
  /** A longer answer is refused (its beginning is never read as a token). */
  maxBytes: number;
  /** GET follows at most this many redirects; a POST follows none (its body would go to another receiver). */
  maxRedirects: number;
}

export interface OutgoingResponse {
  status: number;
  body: string;
}

/** Why the request failed, in words that never quote the URL's query (where token URLs keep their keys). */
export class OutgoingRequestError extends Error {
  override name = 'OutgoingRequestError';
}

export async function requestOutgoing(req: OutgoingRequest): Promise<OutgoingResponse> {
  const deadline = Date.now() + req.timeoutMs;
  let url = req.url;
  for (let hop = 0; ; hop++) {
    const issue = outgoingUrlIssue(url, { allowLoopback: req.allowLoopback });
    if (issue) throw new OutgoingRequestError(`${hop === 0 ? 'the URL' : `the redirect to ${redactUrl(url)}`} ${issue}`);
    const res = await oneHop(url, req, deadline);
    const location = res.status >= 300 && res.status < 400 ? res.location : null;
    if (location === null) return { status: res.status, body: res.body };
    if (req.method !== 'GET') throw new OutgoingRequestError(`answered HTTP ${res.status} (a redirect; a POST is not sent on)`);
    if (hop >= req.maxRedirects) throw new OutgoingRequestError(`redirected more than ${req.maxRedirects} times`);
    url = new URL(location, url).toString();
  }
}

function oneHop(url: string, req: OutgoingRequest, deadline: number): Promise<OutgoingResponse & { location: string | null }> {
  const target = new URL(url);
  const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const timeout = new OutgoingRequestError(`no complete answer within ${req.timeoutMs / 1000} s`);
    let timedOut = false;
    const fail = (err: unknown) => reject(timedOut ? timeout : err instanceof OutgoingRequestError ? err : new OutgoingRequestError(describe(err)));
    const timer = setTimeout(() => {
      timedOut = true;
      request.destroy(timeout);
    }, Math.max(0, deadline - Date.now()));
    const request = send(
      target,
      {
        method: req.method,
        headers: { 'user-agent': 'meetbot', ...req.headers, ...(req.body !== undefined ? { 'content-length': String(Buffer.byteLength(req.body)) } : {}) },
        lookup: guardedLookup(req.allowLoopback),
      },
      (res) => {
        readBody(res, req.maxBytes).then(
          (body) => {
            clearTimeout(timer);
            resolve({ status: res.statusCode ?? 0, body, location: typeof res.headers.location === 'string' ? res.headers.location : null });
          },
          (err: unknown) => {
            clearTimeout(timer);
            request.destroy();
            fail(err);
          },
        );
      },
    );
    request.on('error', (err) => {
      clearTimeout(timer);
      fail(err);
    });
    request.end(req.body);
  });
}

function readBody(res: IncomingMessage, maxBytes: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    res.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) return void res.destroy(new OutgoingRequestError(`answered more than ${maxBytes} bytes`));
      chunks.push(chunk);
    });
    res.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    res.on('error', reject);
    res.on('close', () => {
      if (!res.complete) reject(new OutgoingRequestError('the answer was cut off'));
    });
  });
}

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/** DNS as usual, but an answer that points at an internal address fails the connection (DNS rebinding). */
function guardedLookup(allowLoopback: boolean) {
  return (hostname: string, options: object, callback: LookupCallback) => {
    dnsLookup(hostname, { ...options, all: true }, (err, addresses) => {
      if (err) return callback(err, []);
      const refused = addresses.map((a) => refusalOf(a.address, a.family, allowLoopback)).find((r) => r !== null);
      if (refused) return callback(Object.assign(new OutgoingRequestError(`${hostname} resolves to an address that ${refused}`), { code: 'EREFUSED' }), []);
      const all = (options as { all?: boolean }).all === true;
      if (all) return callback(null, addresses);
      const first = addresses[0]!;
      callback(null, first.address, first.family);
    });
  };
}

function refusalOf(address: string, family: number, allowLoopback: boolean): string | null {
  const refusal = hostRefusal(family === 6 ? `[${address}]` : address);
  // A public address is what a resolved name should be; "uses an IP address" is about links, not answers.
  if (refusal === null || refusal.startsWith('uses an IP address')) return null;
  if (allowLoopback && refusal.startsWith('points at a loopback')) return null;
  return refusal;
}

function describe(err: unknown): string {
  if (err instanceof Error) {
    const code = (err as NodeJS.ErrnoException).code;
    return code && !err.message.includes(code) ? `${code}: ${err.message}` : err.message;
  }
  return String(err);
}
