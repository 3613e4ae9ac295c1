import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { FastifyInstance } from 'fastify';
import type { ServiceContext } from '../botActions.js';
import { artifactsOf } from '../store/artifacts.js';
import { ApiError } from './errors.js';
import { MEDIA_LINK_TTL_SEC } from '../mediaLinks.js';

/** The short-lived download links (mediaLinks.ts): the signature is the permission, no API key. */
export function mediaRoutes(ctx: ServiceContext) {
  return function routes(app: FastifyInstance, _opts: unknown, done: () => void): void {
    app.get<{ Params: { botId: string; kind: string }; Querystring: { expires?: string; signature?: string } }>(
      '/media/:botId/:kind',
      { schema: { hide: true } },
      async (req, reply) => {
        const { botId, kind } = req.params;
        if (!ctx.media.verify(botId, kind, req.query.expires ?? '', req.query.signature ?? '')) throw new ApiError(403, 'this link is not valid or has expired');
        const artifact = (await artifactsOf(ctx.db, botId)).find((a) => a.kind === kind && !a.deleted_at);
        if (artifact?.location.startsWith('s3://')) {
          // In the bucket (a bot in a pod): a presigned link to the object, valid as long as this one.
          const url = ctx.objects ? await ctx.objects.url(artifact.location, MEDIA_LINK_TTL_SEC) : null;
          if (!url) throw new ApiError(404, 'the recording is in object storage, which this service is not set up to read');
          return reply.redirect(url, 302);
        }
        const size = artifact ? await stat(artifact.location).then((s) => s.size, () => null) : null;
        if (!artifact || size === null) throw new ApiError(404, 'Not found.');
        return reply.header('content-type', artifact.content_type).header('content-length', size).send(createReadStream(artifact.location));
      },
    );
    done();
  };
}
