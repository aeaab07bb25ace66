import { isIPv4, isIPv6 } from 'node:net';

/**
 * Outbound address policy (SSRF protection), pure. Rapport calls only globally routable unicast
 * addresses: `refusal(address)` names why any other address is refused — loopback, private,
 * link-local, cloud metadata (169.254.169.254, fd00:ec2::254, 100.100.100.200), CGNAT, multicast, unspecified, broadcast,
 * reserved and documentation ranges, IPv6 ULA, site-local, discard-only — and looks inside IPv6
 * forms that carry an IPv4 address (IPv4-mapped `::ffff:a.b.c.d`, IPv4-translated, NAT64
 * `64:ff9b::/96`, 6to4 `2002::/16`), refusing the deprecated IPv4-compatible `::a.b.c.d` and
 * Teredo outright. Addresses come from WHATWG URL parsing (which already turned `127.1`,
 * `0x7f.0.0.1`, `2130706433` and `017700000001` into `127.0.0.1`) or from DNS.
 *
 * `RAPPORT_OUTBOUND_ALLOW` lists exceptions for self-hosted targets: host names (exact, or
 * `*.example.internal` for every subdomain), IP addresses and CIDR ranges.
 */
type V4 = { family: 4; value: number };
type V6 = { family: 6; words: number[] };
export type IpAddress = V4 | V6;

const parseV4 = (text: string): V4 | null => {
  if (!isIPv4(text)) return null;
  const parts = text.split('.').map(Number);
  return { family: 4, value: parts.reduce((acc, part) => acc * 256 + part, 0) };
};

const parseV6 = (input: string): V6 | null => {
  const text = input.replace(/%.*$/, '');
  if (!isIPv6(text)) return null;
  let head = text;
  const tailWords: number[] = [];
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(head);
  if (dotted?.[1]) {
    const v4 = parseV4(dotted[1]);
    if (!v4) return null;
    tailWords.push(Math.floor(v4.value / 65536), v4.value % 65536);
    head = head.slice(0, -dotted[1].length);
    if (head.endsWith(':') && !head.endsWith('::')) head = head.slice(0, -1);
  }
  const groups = (side: string): number[] => (side === '' ? [] : side.split(':').map((g) => parseInt(g, 16)));
  let words: number[];
  if (head.includes('::')) {
    const [left = '', right = ''] = head.split('::');
    const l = groups(left);
    const r = [...groups(right), ...tailWords];
    words = [...l, ...new Array<number>(8 - l.length - r.length).fill(0), ...r];
  } else {
    words = [...groups(head), ...tailWords];
  }
  return words.length === 8 && words.every((w) => Number.isInteger(w) && w >= 0 && w <= 0xffff) ? { family: 6, words } : null;
};

/** Parses an IPv4 or IPv6 address (IPv6 with or without brackets); null for anything else. */
export const parseIp = (text: string): IpAddress | null => {
  const bare = text.startsWith('[') && text.endsWith(']') ? text.slice(1, -1) : text;
  return parseV4(bare) ?? parseV6(bare);
};

const v4 = (a: number, b: number, c: number, d: number): number => ((a * 256 + b) * 256 + c) * 256 + d;
const inV4 = (value: number, base: number, bits: number): boolean => {
  const size = 2 ** (32 - bits);
  return value >= base && value < base + size;
};
const formatV4 = (value: number): string => [24, 16, 8, 0].map((shift) => Math.floor(value / 2 ** shift) % 256).join('.');

/** IPv4 ranges that are not globally routable unicast (IANA special-purpose registry), most specific first. */
const v4Refused: [number, number, string][] = [
  [v4(169, 254, 169, 254), 32, 'cloud metadata address'],
  // Alibaba Cloud's metadata service sits inside CGNAT space; named for a clearer refusal.
  [v4(100, 100, 100, 200), 32, 'cloud metadata address (Alibaba Cloud)'],
  [v4(255, 255, 255, 255), 32, 'broadcast address'],
  [v4(0, 0, 0, 0), 8, 'unspecified ("this network") address'],
  [v4(10, 0, 0, 0), 8, 'private address (10.0.0.0/8)'],
  [v4(100, 64, 0, 0), 10, 'carrier-grade NAT address (100.64.0.0/10)'],
  [v4(127, 0, 0, 0), 8, 'loopback address'],
  [v4(169, 254, 0, 0), 16, 'link-local address'],
  [v4(172, 16, 0, 0), 12, 'private address (172.16.0.0/12)'],
  [v4(192, 0, 0, 0), 24, 'IETF protocol assignment (192.0.0.0/24)'],
  [v4(192, 0, 2, 0), 24, 'documentation address'],
  [v4(192, 88, 99, 0), 24, '6to4 relay anycast address'],
  [v4(192, 168, 0, 0), 16, 'private address (192.168.0.0/16)'],
  [v4(198, 18, 0, 0), 15, 'benchmarking address'],
  [v4(198, 51, 100, 0), 24, 'documentation address'],
  [v4(203, 0, 113, 0), 24, 'documentation address'],
  [v4(224, 0, 0, 0), 4, 'multicast address'],
  [v4(240, 0, 0, 0), 4, 'reserved address (240.0.0.0/4)'],
];

/** "a loopback address", "an IPv4-mapped form …", "an unspecified …", "a unique local …". */
export const withArticle = (phrase: string): string => `${/^(?:[aeio]|un(?!i))/i.test(phrase) ? 'an' : 'a'} ${phrase}`;

const refusalV4 = (value: number): string | null => v4Refused.find(([base, bits]) => inV4(value, base, bits))?.[2] ?? null;

/** The IPv4 address an IPv6 address carries in its last 32 bits. */
const lastV4 = (words: number[]): number => (words[6] ?? 0) * 65536 + (words[7] ?? 0);

const refusalV6 = (w: number[]): string | null => {
  const [w0 = 0, w1 = 0, w2 = 0, w3 = 0, w4 = 0, w5 = 0, , w7 = 0] = w;
  const embedded = (kind: string, value: number): string | null => {
    const inner = refusalV4(value);
    return inner ? `${kind} form of ${formatV4(value)}, ${withArticle(inner)}` : null;
  };
  const zeroUpTo = (n: number) => w.slice(0, n).every((x) => x === 0);
  if (zeroUpTo(8)) return 'unspecified address';
  // AWS's IPv6 instance metadata endpoint fd00:ec2::254 (inside fc00::/7), named for a clearer refusal.
  if (w0 === 0xfd00 && w1 === 0x0ec2 && w.slice(2, 7).every((x) => x === 0) && w7 === 0x254) return 'cloud metadata address (fd00:ec2::254)';
  if (zeroUpTo(7) && w7 === 1) return 'loopback address';
  if (zeroUpTo(5) && w5 === 0xffff) return embedded('IPv4-mapped', lastV4(w));
  if (zeroUpTo(4) && w4 === 0xffff && w5 === 0) return embedded('IPv4-translated', lastV4(w));
  if (zeroUpTo(6)) return 'IPv4-compatible address (deprecated ::/96)';
  if (w0 === 0x64 && w1 === 0xff9b && w2 === 0 && w3 === 0 && w4 === 0 && w5 === 0) return embedded('NAT64', lastV4(w));
  if (w0 === 0x64 && w1 === 0xff9b && w2 === 1) return 'local-use NAT64 address (64:ff9b:1::/48)';
  if (w0 === 0x2002) return embedded('6to4', w1 * 65536 + w2);
  if (w0 === 0x2001 && w1 === 0) return 'Teredo address (2001::/32)';
  if (w0 === 0x2001 && w1 === 0xdb8) return 'documentation address (2001:db8::/32)';
  if (w0 === 0x2001 && w1 < 0x200) return 'IETF protocol assignment (2001::/23)';
  if (w0 === 0x3fff && w1 < 0x1000) return 'documentation address (3fff::/20)';
  if (w0 === 0x100 && w1 === 0 && w2 === 0 && w3 === 0) return 'discard-only address (100::/64)';
  if ((w0 & 0xfe00) === 0xfc00) return 'unique local address (fc00::/7)';
  if ((w0 & 0xffc0) === 0xfe80) return 'link-local address (fe80::/10)';
  if ((w0 & 0xffc0) === 0xfec0) return 'site-local address (fec0::/10, deprecated)';
  if ((w0 & 0xff00) === 0xff00) return 'multicast address';
  if ((w0 & 0xe000) !== 0x2000) return 'reserved address (outside global unicast 2000::/3)';
  return null;
};

/** Why Rapport refuses to call `address` (an IP literal), or null when it is globally routable. */
export const refusal = (address: string): string | null => {
  const ip = parseIp(address);
  if (!ip) return 'not an IP address';
  return ip.family === 4 ? refusalV4(ip.value) : refusalV6(ip.words);
};

// ── Allow-list ────────────────────────────────────────────────────────────────────────────────
interface Cidr {
  address: IpAddress;
  bits: number;
}
export interface AllowList {
  hosts: Set<string>;
  /** "*.corp.example" is kept as ".corp.example". */
  suffixes: string[];
  ranges: Cidr[];
}

const hostName = /^(?=.{1,253}$)([a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?)(\.[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?)*\.?$/;

const parseCidr = (entry: string): Cidr | string => {
  const [addressText = '', bitsText] = entry.split('/');
  const address = parseIp(addressText);
  if (!address) return `"${entry}" is not an IP address or CIDR`;
  const max = address.family === 4 ? 32 : 128;
  const bits = bitsText === undefined ? max : /^\d{1,3}$/.test(bitsText) ? Number(bitsText) : NaN;
  if (!(bits >= 0 && bits <= max)) return `"${entry}": the prefix length must be 0 to ${max}`;
  return { address, bits };
};

/** Parses `RAPPORT_OUTBOUND_ALLOW`; throws with the first bad entry. */
export const parseAllowList = (text: string): AllowList => {
  const list: AllowList = { hosts: new Set(), suffixes: [], ranges: [] };
  for (const raw of text.split(',')) {
    const entry = raw.trim().toLowerCase();
    if (entry === '') continue;
    if (/^[0-9.]+(\/\d+)?$/.test(entry) || /^[0-9a-f:.]*:[0-9a-f:.]*(\/\d+)?$/.test(entry)) {
      const cidr = parseCidr(entry);
      if (typeof cidr === 'string') throw new Error(`RAPPORT_OUTBOUND_ALLOW: ${cidr}`);
      list.ranges.push(cidr);
    } else if (entry.startsWith('*.') && hostName.test(entry.slice(2))) {
      list.suffixes.push(entry.slice(1).replace(/\.$/, ''));
    } else if (hostName.test(entry)) {
      list.hosts.add(entry.replace(/\.$/, ''));
    } else {
      throw new Error(`RAPPORT_OUTBOUND_ALLOW: "${raw.trim()}" is not a host name, "*.domain", IP address or CIDR`);
    }
  }
  return list;
};

/** The problem with an allow-list setting, or null (for settings validation). */
export const allowListProblem = (text: string): string | null => {
  try {
    parseAllowList(text);
    return null;
  } catch (error) {
    return (error as Error).message;
  }
};

/** Whether the host name (not an IP literal) is allow-listed by name. */
export const allowsHost = (list: AllowList, hostname: string): boolean => {
  const host = hostname.toLowerCase().replace(/\.$/, '');
  return list.hosts.has(host) || list.suffixes.some((suffix) => host.endsWith(suffix));
};

/** IPv4-mapped IPv6 addresses count as the IPv4 address they carry. */
const unmapped = (ip: IpAddress): IpAddress =>
  ip.family === 6 && ip.words.slice(0, 5).every((w) => w === 0) && ip.words[5] === 0xffff ? { family: 4, value: lastV4(ip.words) } : ip;

const inCidr = (ip: IpAddress, cidr: Cidr): boolean => {
  const a = unmapped(ip);
  const b = unmapped(cidr.address);
  if (a.family !== b.family) return false;
  const bits = b.family === 4 && cidr.address.family === 6 ? Math.max(0, cidr.bits - 96) : cidr.bits;
  if (a.family === 4 && b.family === 4) return bits === 0 || Math.floor(a.value / 2 ** (32 - bits)) === Math.floor(b.value / 2 ** (32 - bits));
  if (a.family === 6 && b.family === 6) {
    for (let i = 0; i < 8; i += 1) {
      const take = Math.min(16, Math.max(0, bits - i * 16));
      if (take === 0) return true;
      const shift = 16 - take;
      if ((a.words[i] ?? 0) >> shift !== (b.words[i] ?? 0) >> shift) return false;
    }
    return true;
  }
  return false;
};

/** Whether the address lies in an allow-listed IP or range. */
export const allowsAddress = (list: AllowList, address: string): boolean => {
  const ip = parseIp(address);
  return ip !== null && list.ranges.some((range) => inCidr(ip, range));
};
