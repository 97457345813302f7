import { lookup, type LookupAddress } from 'node:dns';
import { BlockList, isIP } from 'node:net';

/** Addresses a hook may not reach unless WEBHOOK_ALLOW_PRIVATE: this host, its networks, the cloud's metadata. */
const INTERNAL = new BlockList();
for (const [net, prefix] of [['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16], ['172.16.0.0', 12], ['192.0.0.0', 24], ['192.168.0.0', 16], ['198.18.0.0', 15], ['224.0.0.0', 3]] as const) {
  INTERNAL.addSubnet(net, prefix, 'ipv4');
}
for (const [net, prefix] of [['::', 128], ['::1', 128], ['fc00::', 7], ['fe80::', 10], ['ff00::', 8], ['64:ff9b::', 96]] as const) {
  INTERNAL.addSubnet(net, prefix, 'ipv6');
}

/** True for a loopback, private, link-local, shared, multicast or unspecified address (IPv4-mapped IPv6 included). */
export function isInternalAddress(address: string): boolean {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return INTERNAL.check(mapped[1]!, 'ipv4');
  const family = isIP(address);
  if (family === 0) return true;
  return INTERNAL.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

/** The host of a URL as `isIP` reads it (IPv6 literals come bracketed). */
export const hostOf = (url: URL): string => url.hostname.replace(/^\[(.*)\]$/, '$1');

/** Why a hook's URL is refused at creation, or `undefined`: only what the URL itself shows (names are checked when sending). */
export function refusedDestination(url: URL, allowInternal: boolean): string | undefined {
  if (allowInternal) return undefined;
  const host = hostOf(url).toLowerCase();
  if (host === 'localhost' || host.endsWith('.localhost') || (isIP(host) !== 0 && isInternalAddress(host))) {
    return `expected a public address, got "${url.hostname}": hooks to loopback or private addresses need WEBHOOK_ALLOW_PRIVATE=true`;
  }
  return undefined;
}

type LookupCallback = (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/**
 * A `lookup` for http(s).request that refuses names resolving to internal addresses: the check
 * and the connection use the same answer, so a name cannot pass the check and then connect
 * elsewhere (DNS rebinding).
 */
export function guardedLookup(allowInternal: boolean) {
  return (hostname: string, options: { all?: boolean; family?: number }, callback: LookupCallback): void => {
    lookup(hostname, { all: true, family: options.family ?? 0 }, (error, addresses) => {
      if (error) return callback(error, []);
      const usable = allowInternal ? addresses : addresses.filter((a) => !isInternalAddress(a.address));
      if (usable.length === 0) {
        return callback(Object.assign(new Error(`"${hostname}" resolves to internal addresses only (${addresses.map((a) => a.address).join(', ')}); WEBHOOK_ALLOW_PRIVATE is off`), { code: 'EINTERNAL' }), []);
      }
      if (options.all) return callback(null, usable);
      return callback(null, usable[0]!.address, usable[0]!.family);
    });
  };
}
