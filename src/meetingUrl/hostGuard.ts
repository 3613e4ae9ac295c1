/**
 * SSRF guard for meeting hosts. The browser opens whatever URL we give it from inside the bot's network, so a
 * link must never reach loopback, private ranges, link-local or cloud metadata addresses. Hostnames arrive
 * already normalised by WHATWG URL: decimal/hex/octal IPv4 forms (http://2130706433) become dotted quads and
 * IPv6 literals keep their brackets.
 */
export type HostKind = 'name' | 'ip' | 'loopback' | 'private' | 'link_local' | 'metadata' | 'unspecified';

const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;
const INTERNAL_SUFFIXES = ['.internal', '.local', '.localdomain', '.lan', '.home.arpa', '.intranet', '.corp'];

function classifyIpv4(a: number, b: number, c: number, d: number): HostKind {
  if (a === 0) return 'unspecified';
  if (a === 127) return 'loopback';
  if (a === 169 && b === 254) return c === 169 && d === 254 ? 'metadata' : 'link_local';
  if (a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168) || (a === 100 && b >= 64 && b <= 127)) {
    return 'private';
  }
  return 'ip';
}

/** Eight 16-bit groups of a WHATWG-serialised IPv6 literal (compressed, hex only), or null. */
function ipv6Groups(literal: string): number[] | null {
  const halves = literal.split('::');
  if (halves.length > 2) return null;
  const parse = (part: string) => (part ? part.split(':').map((h) => parseInt(h, 16)) : []);
  const head = parse(halves[0] ?? '');
  const tail = halves.length === 2 ? parse(halves[1] ?? '') : [];
  const fill = 8 - head.length - tail.length;
  if (fill < 0 || (halves.length === 1 && fill !== 0)) return null;
  const groups = [...head, ...new Array<number>(fill).fill(0), ...tail];
  return groups.every((g) => Number.isInteger(g) && g >= 0 && g <= 0xffff) ? groups : null;
}

function classifyIpv6(literal: string): HostKind {
  const g = ipv6Groups(literal);
  if (!g) return 'ip';
  const [g0 = 0, g1 = 0, , , , g5 = 0, g6 = 0, g7 = 0] = g;
  if (g.every((x) => x === 0)) return 'unspecified';
  if (g.slice(0, 7).every((x) => x === 0) && g7 === 1) return 'loopback';
  if (g.slice(0, 5).every((x) => x === 0) && g5 === 0xffff) {
    return classifyIpv4(g6 >> 8, g6 & 0xff, g7 >> 8, g7 & 0xff);
  }
  if (g0 === 0xfd00 && g1 === 0x0ec2 && g7 === 0x254) return 'metadata';
  if ((g0 & 0xfe00) === 0xfc00) return 'private';
  if ((g0 & 0xffc0) === 0xfe80) return 'link_local';
  return 'ip';
}

function classifyHost(hostname: string): HostKind {
  const host = hostname.toLowerCase();
  const v4 = IPV4.exec(host);
  if (v4) return classifyIpv4(Number(v4[1]), Number(v4[2]), Number(v4[3]), Number(v4[4]));
  if (host.startsWith('[')) return classifyIpv6(host.slice(1, -1));
  if (host === 'localhost' || host.endsWith('.localhost')) return 'loopback';
  if (host === 'metadata.google.internal' || host === 'metadata') return 'metadata';
  if (!host.includes('.') || INTERNAL_SUFFIXES.some((s) => host.endsWith(s))) return 'private';
  return 'name';
}

const REFUSALS: Record<Exclude<HostKind, 'name'>, string> = {
  ip: 'uses an IP address; meeting links use the platform host name',
  loopback: 'points at a loopback address',
  private: 'points at a private or internal network host',
  link_local: 'points at a link-local address',
  metadata: 'points at a cloud metadata address',
  unspecified: 'points at an unspecified address',
};

/** Why a host is refused, or null for an ordinary DNS name. */
export function hostRefusal(hostname: string): string | null {
  const kind = classifyHost(hostname);
  return kind === 'name' ? null : `${REFUSALS[kind]} (${hostname})`;
}
