/**
 * The operator's S3-compatible store, as runtime settings (docs/configuration.md): where bots upload recordings
 * and where the service presigns their download links. Credentials are not here: the AWS SDK reads them from the
 * environment (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN) or its other usual providers.
 */
export interface ObjectStoreSettings {
  /** http(s) URL of an S3-compatible store; null = AWS S3 in `region`. */
  endpoint: string | null;
  region: string;
  /** `<endpoint>/<bucket>/<key>` rather than `<bucket>.<endpoint>/<key>`. */
  forcePathStyle: boolean;
}

const YES = ['1', 'true', 'yes'];
const NO = ['0', 'false', 'no'];

/**
 * AWS S3 in AWS_REGION (default us-east-1), or an S3-compatible store at MEETBOT_S3_ENDPOINT, addressed path-style
 * by default (MEETBOT_S3_PATH_STYLE=0 for virtual hosts). Throws a one-line error naming the variable.
 */
export function objectStoreSettings(env: NodeJS.ProcessEnv): ObjectStoreSettings {
  const endpoint = env.MEETBOT_S3_ENDPOINT || null;
  if (endpoint !== null && !/^https?:$/.test(URL.parse(endpoint)?.protocol ?? '')) {
    throw new Error(`MEETBOT_S3_ENDPOINT must be an http:// or https:// URL (got ${JSON.stringify(endpoint.slice(0, 100))})`);
  }
  const pathStyle = (env.MEETBOT_S3_PATH_STYLE ?? '').toLowerCase();
  if (pathStyle !== '' && !YES.includes(pathStyle) && !NO.includes(pathStyle)) {
    throw new Error(`MEETBOT_S3_PATH_STYLE must be 1 or 0 (got ${JSON.stringify(pathStyle.slice(0, 40))})`);
  }
  return { endpoint, region: env.AWS_REGION || 'us-east-1', forcePathStyle: pathStyle === '' ? endpoint !== null : YES.includes(pathStyle) };
}
