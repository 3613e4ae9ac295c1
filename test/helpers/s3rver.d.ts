// The few parts of s3rver (a local S3 written on Koa, test-only) that the tests use.
declare module 's3rver' {
  import type { IncomingMessage, Server, ServerResponse } from 'node:http';

  export interface S3rverContext {
    method: string;
    path: string;
    query: Record<string, string | undefined>;
    status: number;
    body: unknown;
    type: string;
    req: IncomingMessage;
    res: ServerResponse;
  }

  export default class S3rver {
    constructor(options: { port?: number; address?: string; directory: string; silent?: boolean; configureBuckets?: { name: string }[] });
    /** Koa's middleware stack, in order; what is put first sees every request before the S3 routes. */
    middleware: ((ctx: S3rverContext, next: () => Promise<void>) => Promise<void>)[];
    httpServer?: Server;
    run(): Promise<{ address: string; port: number }>;
    close(): Promise<void>;
  }
}
