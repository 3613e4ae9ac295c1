/**
 * The service's schema, as ordered migrations. Each runs once, in its own transaction, recorded in
 * `schema_migrations`; a migration is never edited once released: changes are new entries.
 */
export interface Migration {
  id: number;
  name: string;
  sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    id: 1,
    name: 'projects, keys, bots, events, commands, artifacts, webhook outbox',
    sql: `
CREATE TABLE projects (
  id text PRIMARY KEY,
  name text NOT NULL UNIQUE,
  max_live_bots integer NOT NULL DEFAULT 20 CHECK (max_live_bots > 0),
  webhook_url text,
  webhook_secret text,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE api_keys (
  id text PRIMARY KEY,
  project_id text NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  key_hash text NOT NULL UNIQUE,
  prefix text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  revoked_at timestamptz
);

CREATE TABLE bots (
  id uuid PRIMARY KEY,
  public_id text NOT NULL UNIQUE,
  project_id text NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  api text NOT NULL CHECK (api IN ('recall', 'attendee')),
  body jsonb NOT NULL,
  meeting_url text NOT NULL,
  meeting jsonb NOT NULL,
  bot_name text NOT NULL,
  metadata jsonb NOT NULL DEFAULT '{}',
  deduplication_key text,
  status text NOT NULL DEFAULT 'ready',
  sub_code text,
  live boolean NOT NULL DEFAULT true,
  join_at timestamptz,
  control_token_hash text,
  launcher text,
  launch_ref text,
  out_dir text,
  launched_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  media_deleted_at timestamptz,
  data_deleted_at timestamptz
);
CREATE UNIQUE INDEX bots_live_deduplication_key ON bots (project_id, deduplication_key)
  WHERE live AND deduplication_key IS NOT NULL;
CREATE INDEX bots_project_created ON bots (project_id, created_at DESC, id DESC);
CREATE INDEX bots_live ON bots (status) WHERE live;

CREATE TABLE bot_events (
  id bigserial PRIMARY KEY,
  bot_id uuid NOT NULL REFERENCES bots(id) ON DELETE CASCADE,
  bot_seq integer,
  event text NOT NULL,
  body jsonb NOT NULL,
  created_at timestamptz NOT NULL,
  received_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (bot_id, bot_seq)
);
CREATE INDEX bot_events_bot_event ON bot_events (bot_id, event, id);

CREATE TABLE bot_commands (
  id text PRIMARY KEY,
  bot_id uuid NOT NULL REFERENCES bots(id) ON DELETE CASCADE,
  kind text NOT NULL,
  payload jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  sent_at timestamptz,
  completed_at timestamptz,
  ok boolean,
  error text
);
CREATE INDEX bot_commands_open ON bot_commands (bot_id, created_at) WHERE completed_at IS NULL;

CREATE TABLE artifacts (
  bot_id uuid NOT NULL REFERENCES bots(id) ON DELETE CASCADE,
  kind text NOT NULL,
  location text NOT NULL,
  content_type text NOT NULL,
  size_bytes bigint,
  created_at timestamptz NOT NULL DEFAULT now(),
  deleted_at timestamptz,
  PRIMARY KEY (bot_id, kind)
);

CREATE TABLE webhook_deliveries (
  id text PRIMARY KEY,
  bot_id uuid NOT NULL REFERENCES bots(id) ON DELETE CASCADE,
  event_id bigint NOT NULL REFERENCES bot_events(id) ON DELETE CASCADE,
  url text NOT NULL,
  secret text,
  body text NOT NULL,
  status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'gave_up')),
  attempts integer NOT NULL DEFAULT 0,
  next_attempt_at timestamptz NOT NULL DEFAULT now(),
  http_status integer,
  last_error text,
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at) WHERE status = 'pending';
`,
  },
  {
    id: 2,
    name: 'the dispatch job that claimed a bot',
    sql: 'ALTER TABLE bots ADD COLUMN dispatch_job text;',
  },
  {
    id: 3,
    name: 'login groups (sealed credentials); how each bot signs in, and its signed-in retry',
    sql: `
CREATE TABLE login_groups (
  id uuid PRIMARY KEY,
  project_id text NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  platform text NOT NULL CHECK (platform IN ('google_meet', 'microsoft_teams')),
  name text NOT NULL,
  is_default boolean NOT NULL DEFAULT false,
  sealed_credential text NOT NULL,
  email text,
  has_session boolean NOT NULL,
  has_password boolean NOT NULL,
  saved_at timestamptz,
  replaced_at timestamptz NOT NULL DEFAULT now(),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (project_id, platform, name)
);
CREATE UNIQUE INDEX login_groups_one_default ON login_groups (project_id, platform) WHERE is_default;

ALTER TABLE bots ADD COLUMN sign_in jsonb;
ALTER TABLE bots ADD COLUMN login_group_id uuid;
ALTER TABLE bots ADD COLUMN sign_in_retry text;
ALTER TABLE bots ADD COLUMN run smallint NOT NULL DEFAULT 1;
`,
  },
];
