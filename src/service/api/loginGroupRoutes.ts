import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { ACCOUNT_PLATFORMS, accountCredential, type AccountCredential, type AccountPlatform } from '../../account/credential.js';
import { issuesFromZod, type ConfigIssue } from '../../config/errors.js';
import type { ServiceContext } from '../botActions.js';
import { deleteLoginGroup, loginGroupById, loginGroupsOf, type LoginGroupRow } from '../store/loginGroups.js';
import { ApiError } from './errors.js';
import { jsonObject, projectOf } from './requests.js';

interface IdParams {
  id: string;
}

/** Attendee's rule for a group's name: letters, digits, spaces and underscores, at least one letter or digit. */
const NAME = z
  .string()
  .max(255)
  .regex(/^[\p{L}\p{N} _]*[\p{L}\p{N}][\p{L}\p{N} _]*$/u, { error: 'must be letters, digits, spaces or underscores, with at least one letter or digit' });

const createFields = z.strictObject({
  platform: z.enum(ACCOUNT_PLATFORMS),
  name: NAME,
  default: z.boolean().optional(),
  credential: z.record(z.string(), z.unknown()),
});
const changeFields = createFields.omit({ platform: true }).partial();

/** What the API shows of a group: never a secret of its credential (docs/api.md, "Login groups"). */
function groupView(g: LoginGroupRow) {
  return {
    id: g.id,
    platform: g.platform,
    name: g.name,
    default: g.is_default,
    email: g.email,
    has_session: g.has_session,
    has_password: g.has_password,
    saved_at: g.saved_at?.toISOString() ?? null,
    created_at: g.created_at.toISOString(),
    updated_at: g.updated_at.toISOString(),
  };
}

/** OpenAPI only (validation is the zod schemas'): the credential's own schema, its platform taken from the group. */
function bodySchema(required: string[]): Record<string, unknown> {
  const credential = z.toJSONSchema(accountCredential, { io: 'input', unrepresentable: 'any' });
  return {
    type: 'object',
    required,
    additionalProperties: false,
    properties: {
      platform: { type: 'string', enum: [...ACCOUNT_PLATFORMS] },
      name: { type: 'string', maxLength: 255, description: 'Unique per project and platform; Attendee bodies name it in login_group_name.' },
      default: { type: 'boolean', description: "The group bots of this platform sign in with when they name none (else the platform's oldest)." },
      credential: { ...credential, description: 'The account: a saved session (storage_state) and/or email and password. Its platform may be left out.' },
    },
  };
}

/**
 * Login groups (a meetbot extension, docs/api.md): a project's stored accounts, one per group, that signed-in bots
 * are given. Recall bodies name a group by id (`google_meet.google_login_group_id`), Attendee bodies by name.
 */
export function loginGroupRoutes(ctx: ServiceContext) {
  return function routes(app: FastifyInstance, _opts: unknown, done: () => void): void {
    const groupOf = async (req: FastifyRequest<{ Params: IdParams }>): Promise<LoginGroupRow> => {
      const group = await loginGroupById(ctx.db, projectOf(req).id, req.params.id);
      if (!group) throw new ApiError(404, 'Not found.');
      return group;
    };
    const tags = ['Login groups (meetbot)'];
    app.post('/api/v1/login_groups/', { schema: { tags, summary: 'Store an account for signed-in bots', body: bodySchema(['platform', 'name', 'credential']) } }, async (req, reply) => {
      const fields = parse(createFields, jsonObject(req.body));
      const credential = parseCredential(fields.credential, fields.platform);
      const group = await ctx.groups.create(projectOf(req).id, { platform: fields.platform, name: fields.name, isDefault: fields.default ?? false, credential });
      return reply.status(201).send(groupView(group));
    });
    app.get<{ Querystring: { platform?: string } }>('/api/v1/login_groups/', { schema: { tags, summary: 'List login groups' } }, async (req) => {
      const { platform } = req.query;
      if (platform !== undefined && !ACCOUNT_PLATFORMS.includes(platform as AccountPlatform)) {
        throw new ApiError(400, 'invalid platform', [{ path: 'platform', message: `must be one of: ${ACCOUNT_PLATFORMS.join(', ')}` }]);
      }
      const groups = await loginGroupsOf(ctx.db, projectOf(req).id, platform as AccountPlatform | undefined);
      return { next: null, previous: null, results: groups.map(groupView) };
    });
    app.get<{ Params: IdParams }>('/api/v1/login_groups/:id/', { schema: { tags, summary: 'Retrieve a login group' } }, async (req) => groupView(await groupOf(req)));
    app.patch<{ Params: IdParams }>('/api/v1/login_groups/:id/', { schema: { tags, summary: "Rename a group, mark it default, or replace its credential", body: bodySchema([]) } }, async (req) => {
      const group = await groupOf(req);
      const body = jsonObject(req.body);
      if (body.platform !== undefined && body.platform !== group.platform) {
        throw new ApiError(400, 'platform cannot change', [{ path: 'platform', message: `cannot change (the group is for ${group.platform}); create a group for the other platform` }]);
      }
      const { platform: _same, ...rest } = body;
      const fields = parse(changeFields, rest);
      const credential = fields.credential ? parseCredential(fields.credential, group.platform) : undefined;
      return groupView(await ctx.groups.update(group, { ...(fields.name !== undefined ? { name: fields.name } : {}), ...(fields.default !== undefined ? { isDefault: fields.default } : {}), ...(credential ? { credential } : {}) }));
    });
    app.delete<{ Params: IdParams }>('/api/v1/login_groups/:id/', { schema: { tags, summary: 'Delete a login group and its credential' } }, async (req, reply) => {
      if (!(await deleteLoginGroup(ctx.db, projectOf(req).id, req.params.id))) throw new ApiError(404, 'Not found.');
      return reply.status(204).send();
    });
    done();
  };
}

function parse<T>(schema: z.ZodType<T>, body: Record<string, unknown>): T {
  const parsed = schema.safeParse(body);
  if (!parsed.success) throw invalid(issuesFromZod(parsed.error.issues));
  return parsed.data;
}

/**
 * The credential, checked by the runtime's own schema, for the group's platform. zod's own messages name the
 * field and never the value (a secret may be the wrong value).
 */
function parseCredential(raw: Record<string, unknown>, platform: AccountPlatform): AccountCredential {
  if (raw.platform !== undefined && raw.platform !== platform) {
    throw invalid([{ path: 'credential.platform', message: `must be the group's platform, ${platform}` }]);
  }
  const parsed = accountCredential.safeParse({ ...raw, platform });
  if (!parsed.success) throw invalid(issuesFromZod(parsed.error.issues).map((i) => ({ ...i, path: i.path === '(body)' ? 'credential' : `credential.${i.path}` })));
  return parsed.data;
}

function invalid(fields: ConfigIssue[]): ApiError {
  return new ApiError(400, 'invalid login group', fields);
}
