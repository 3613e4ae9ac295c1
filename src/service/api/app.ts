import swagger from '@fastify/swagger';
import Fastify, { type FastifyError, type FastifyInstance, type FastifyRequest } from 'fastify';
import { projectForKey, type Project } from '../store/projects.js';
import type { ServiceContext } from '../botActions.js';
import { attendeeRoutes } from './attendeeRoutes.js';
import { ApiError, apiOfPath, errorBody } from './errors.js';
import { loginGroupRoutes } from './loginGroupRoutes.js';
import { mediaRoutes } from './mediaRoutes.js';
import { recallRoutes } from './recallRoutes.js';

declare module 'fastify' {
  interface FastifyRequest {
    project: Project | null;
  }
}

/** Largest request body; the largest legitimate Create Bot body (base64 images) is ~2 MB. */
export const MAX_BODY_BYTES = 4 * 1024 * 1024;

/**
 * The HTTP API: Recall's bot endpoints under `/api/v1/bot/`, Attendee's under `/api/v1/bots`, the login groups
 * under `/api/v1/login_groups/`, the short-lived media links, and the OpenAPI document at `/api/openapi.json`.
 * Request bodies reach the handlers as text and are validated there by the same zod schemas as the CLI's
 * (`config/normalize.ts`, `account/credential.ts`), so every error names its field in each API's own shape; the
 * OpenAPI document's body schemas are generated from those schemas.
 */
export async function buildApp(ctx: ServiceContext): Promise<FastifyInstance> {
  const app = Fastify({ bodyLimit: MAX_BODY_BYTES, logger: false, return503OnClosing: true });
  app.decorateRequest('project', null);
  // Bodies stay text, whatever their label (`curl -d` says form-urlencoded): the config parser reports malformed
  // JSON, hostile keys and every field error itself.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body: Buffer, done) => {
    try {
      done(null, new TextDecoder('utf-8', { fatal: true }).decode(body));
    } catch {
      done(new ApiError(400, 'invalid body', [{ path: '(body)', message: 'is not valid UTF-8 text' }]), undefined);
    }
  });
  // Schemas are declared for the OpenAPI document only; validation is the zod schemas' (see above).
  app.setValidatorCompiler(() => () => true);
  await app.register(swagger, {
    openapi: {
      info: { title: 'meetbot', version: '1', description: "Recall.ai's and Attendee's Create Bot APIs, served by meetbot." },
      components: { securitySchemes: { token: { type: 'apiKey', in: 'header', name: 'Authorization', description: '`Token <API key>`' } } },
      security: [{ token: [] }],
    },
  });

  app.addHook('onRequest', async (req) => {
    if (req.url.startsWith('/api/v1/')) req.project = await authenticate(ctx, req);
  });
  app.setErrorHandler((err: FastifyError | ApiError, req, reply) => {
    const api = apiOfPath(req.url);
    const known = err instanceof ApiError ? err : fromFastify(err);
    if (!known) ctx.log.error('request failed', { method: req.method, url: req.url.split('?')[0], error: String(err) });
    const answer = known ?? new ApiError(500, 'internal error; the request was not carried out');
    return reply.status(answer.status).send(errorBody(api, answer));
  });
  app.setNotFoundHandler((req, reply) => reply.status(404).send(errorBody(apiOfPath(req.url), new ApiError(404, apiOfPath(req.url) === 'attendee' ? 'Not found' : 'Not found.'))));

  app.get('/api/openapi.json', { schema: { hide: true } }, () => app.swagger());
  app.get('/health', { schema: { hide: true } }, () => ({ ok: true }));
  await app.register(recallRoutes(ctx));
  await app.register(attendeeRoutes(ctx));
  await app.register(loginGroupRoutes(ctx));
  await app.register(mediaRoutes(ctx));
  return app;
}

/** `Authorization: Token <key>` (Recall's examples sometimes drop `Token `: a bare key is accepted too). */
async function authenticate(ctx: ServiceContext, req: FastifyRequest): Promise<Project> {
  const header = req.headers.authorization?.trim();
  if (!header) throw new ApiError(401, 'Authentication credentials were not provided.');
  const key = /^Token\s+(\S+)$/i.exec(header)?.[1] ?? (/^\S+$/.test(header) ? header : null);
  const project = key ? await projectForKey(ctx.db, key) : null;
  if (!project) throw new ApiError(401, 'Invalid token.');
  return project;
}

/** Fastify's own refusals (body too large, wrong content type, ...) as API errors; null for real faults. */
function fromFastify(err: FastifyError): ApiError | null {
  if (err.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return new ApiError(413, `request body is too large (at most ${MAX_BODY_BYTES} bytes)`);
  if (err.statusCode && err.statusCode >= 400 && err.statusCode < 500) return new ApiError(err.statusCode, err.message.split('\n')[0]!.slice(0, 300));
  return null;
}
