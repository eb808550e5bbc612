import { PRIVATE_HOST_NAMES, PRIVATE_HOST_SUFFIXES } from '../../models/http-clients.js';

/** A host on the public internet: not loopback, private, link-local or reserved for examples. */
export function isPublicHost(host: string): boolean {
  if (host.startsWith('[')) {
    const address = host.slice(1, -1).toLowerCase();
    return !(address === '::1' || address === '::' || /^f[cd]/.test(address) || address.startsWith('fe80'));
  }
  const ipv4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(host);
  if (ipv4) {
    const [a, b] = [Number(ipv4[1]), Number(ipv4[2])];
    if (a === 127 || a === 10 || a === 0) return false;
    if (a === 172 && b >= 16 && b <= 31) return false;
    if (a === 192 && b === 168) return false;
    if (a === 169 && b === 254) return false;
    if (a === 100 && b >= 64 && b <= 127) return false;
    return true;
  }
  if (!host.includes('.')) return false;
  if (PRIVATE_HOST_NAMES.has(host)) return false;
  return !PRIVATE_HOST_SUFFIXES.some((suffix) => host.endsWith(suffix));
}

/** The machine itself: `localhost`, 127/8, `::1`. Traffic to it never crosses a network. */
export function isLoopbackHost(host: string): boolean {
  const name = host.toLowerCase();
  return name === 'localhost' || name.endsWith('.localhost') || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(name) || name === '[::1]' || name === '::1';
}

/** The host of `scheme://[user@]host[:port]/...`, lowercased; undefined when the text is no such URL. */
export function hostOfUrl(url: string): string | undefined {
  const match = /^[a-z][a-z0-9+.-]*:\/\/(?:[^/?#@\s]*@)?(\[[^\]]+\]|[^/?#:\s,]+)/i.exec(url.trim());
  return match ? match[1]!.toLowerCase() : undefined;
}
