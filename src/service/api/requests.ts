import type { FastifyRequest } from 'fastify';
import { ApiError } from './errors.js';

/** The project the request's API key belongs to (set by the authentication hook of every /api/v1/ route). */
export function projectOf(req: FastifyRequest) {
  if (!req.project) throw new ApiError(401, 'Authentication credentials were not provided.');
  return req.project;
}

/** Where download links point: the configured public URL, else the origin this request came to. */
export function linkBase(publicUrl: string | null, req: FastifyRequest): string {
  return publicUrl ?? `${req.protocol}://${req.host}`;
}

/** A small JSON object body (commands): text in, object out, or a 400 that says what is wrong. */
export function jsonObject(body: unknown): Record<string, unknown> {
  const text = typeof body === 'string' ? body.replace(/^\uFEFF/, '') : '';
  if (!text.trim()) return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new ApiError(400, 'invalid JSON', [{ path: '(body)', message: 'is not valid JSON' }]);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new ApiError(400, 'invalid body', [{ path: '(body)', message: 'must be a JSON object' }]);
  return value as Record<string, unknown>;
}
