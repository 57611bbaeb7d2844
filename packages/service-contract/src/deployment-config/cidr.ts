// IPv4 CIDR blocks as people write them in deployment.config.json: parsed once, with the problem named.

export interface Cidr {
  /** The network address as a 32-bit unsigned number. */
  address: number;
  prefix: number;
}

const CIDR = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;

/** The problem with `text` as a canonical IPv4 CIDR, or undefined; `canonical` names the form to write instead. */
export function cidrProblem(text: string): string | undefined {
  const match = CIDR.exec(text);
  if (!match) return "must be an IPv4 CIDR such as 203.0.113.0/24";
  const octets = match.slice(1, 5).map(Number);
  if (octets.some((octet) => octet > 255)) return "has an octet above 255";
  const prefix = Number(match[5]);
  if (prefix > 32) return "has a prefix length above 32";
  const parsed = parseCidr(text);
  const canonical = formatCidr({ address: parsed.address & mask(prefix), prefix });
  if (canonical !== text) {
    return `has host bits set: write ${canonical} (a tool given ${text} would silently use ${canonical})`;
  }
  return undefined;
}

export function parseCidr(text: string): Cidr {
  const [address = "", prefix = "0"] = text.split("/");
  const value = address.split(".").reduce((total, octet) => total * 256 + Number(octet), 0);
  return { address: value >>> 0, prefix: Number(prefix) };
}

export function formatCidr(cidr: Cidr): string {
  const octets = [24, 16, 8, 0].map((shift) => (cidr.address >>> shift) & 255);
  return `${octets.join(".")}/${cidr.prefix}`;
}

function mask(prefix: number): number {
  return prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
}

/** Addresses in the block. */
export function cidrSize(cidr: Cidr): number {
  return 2 ** (32 - cidr.prefix);
}

/** Whether `inner` lies within `outer`. */
export function cidrContains(outer: Cidr, inner: Cidr): boolean {
  return inner.prefix >= outer.prefix && (inner.address & mask(outer.prefix)) >>> 0 === outer.address;
}

/** The private ranges a VPC may use (RFC 1918, and the shared 100.64.0.0/10 AWS also accepts). */
export const PRIVATE_RANGES: readonly string[] = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10"];

export function isPrivate(cidr: Cidr): boolean {
  return PRIVATE_RANGES.some((range) => cidrContains(parseCidr(range), cidr));
}

/** The whole IPv4 internet. */
export const ANYWHERE = "0.0.0.0/0";
