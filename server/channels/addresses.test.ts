import { describe, expect, it } from 'vitest';
import { allowListProblem, allowsAddress, allowsHost, parseAllowList, parseIp, refusal } from './addresses.js';

/** The host of a URL as WHATWG parsing normalises it, brackets removed: what the SSRF check sees. */
const hostOf = (url: string): string => new URL(url).hostname.replace(/^\[|\]$/g, '');

describe('outbound address policy', () => {
  it('refuses every non-public IPv4 range', () => {
    for (const [address, reason] of [
      ['127.0.0.1', 'loopback'],
      ['127.255.255.254', 'loopback'],
      ['10.0.0.1', 'private'],
      ['172.16.0.1', 'private'],
      ['172.31.255.255', 'private'],
      ['192.168.1.1', 'private'],
      ['169.254.169.254', 'cloud metadata'],
      ['169.254.1.1', 'link-local'],
      ['100.100.100.200', 'cloud metadata address (Alibaba Cloud)'],
      ['100.64.0.1', 'carrier-grade NAT'],
      ['100.127.255.255', 'carrier-grade NAT'],
      ['224.0.0.1', 'multicast'],
      ['239.255.255.250', 'multicast'],
      ['0.0.0.0', 'unspecified'],
      ['0.1.2.3', 'unspecified'],
      ['255.255.255.255', 'broadcast'],
      ['240.0.0.1', 'reserved'],
      ['192.0.2.10', 'documentation'],
      ['198.18.0.1', 'benchmarking'],
      ['192.0.0.8', 'IETF'],
    ] as const) {
      expect(refusal(address), address).toContain(reason);
    }
  });

  it('allows public IPv4 addresses next to the refused ranges', () => {
    for (const address of ['8.8.8.8', '1.1.1.1', '93.184.216.34', '172.15.255.255', '172.32.0.0', '100.63.255.255', '100.128.0.0', '11.0.0.1', '223.255.255.255', '169.253.0.1', '192.167.1.1']) {
      expect(refusal(address), address).toBeNull();
    }
  });

  it('refuses non-public IPv6 and looks inside IPv4-carrying forms', () => {
    for (const [address, reason] of [
      ['::1', 'loopback'],
      ['::', 'unspecified'],
      ['::ffff:127.0.0.1', 'IPv4-mapped form of 127.0.0.1, a loopback'],
      ['::ffff:7f00:1', 'IPv4-mapped form of 127.0.0.1'],
      ['::ffff:a9fe:a9fe', 'IPv4-mapped form of 169.254.169.254, a cloud metadata'],
      ['::ffff:0:10.0.0.1', 'IPv4-translated form of 10.0.0.1'],
      ['::7f00:1', 'IPv4-compatible'],
      ['64:ff9b::7f00:1', 'NAT64 form of 127.0.0.1'],
      ['64:ff9b::10.1.2.3', 'NAT64 form of 10.1.2.3, a private'],
      ['64:ff9b:1::1', 'local-use NAT64'],
      ['2002:7f00:1::', '6to4 form of 127.0.0.1'],
      ['2002:c0a8:101::1', '6to4 form of 192.168.1.1'],
      ['2001:0:4136:e378::1', 'Teredo'],
      ['2001:db8::1', 'documentation'],
      ['fc00::1', 'unique local'],
      ['fd12:3456::1', 'unique local'],
      ['fe80::1', 'link-local'],
      ['fe80::1%eth0', 'link-local'],
      ['febf::1', 'link-local'],
      ['fec0::1', 'site-local'],
      ['ff02::1', 'multicast'],
      ['ff0e::1', 'multicast'],
      ['fd00:ec2::254', 'cloud metadata address (fd00:ec2::254)'],
      ['fd00:ec2:0:0:0:0:0:254', 'cloud metadata'],
      ['fd00:ec2::253', 'unique local'],
      ['::ffff:100.64.0.1', 'IPv4-mapped form of 100.64.0.1, a carrier-grade NAT'],
      ['::ffff:224.0.0.1', 'IPv4-mapped form of 224.0.0.1, a multicast'],
      ['::ffff:0.0.0.0', 'IPv4-mapped form of 0.0.0.0, an unspecified'],
      ['64:ff9b::a9fe:a9fe', 'NAT64 form of 169.254.169.254, a cloud metadata'],
      ['64:ff9b::100.64.0.1', 'NAT64 form of 100.64.0.1, a carrier-grade NAT'],
      ['2002:a9fe:a9fe::1', '6to4 form of 169.254.169.254, a cloud metadata'],
      ['2002:0a00:0001::', '6to4 form of 10.0.0.1, a private'],
      ['100::1', 'discard-only'],
      ['4000::1', 'reserved'],
      ['[::1]', 'loopback'],
    ] as const) {
      expect(refusal(address), address).toContain(reason);
    }
    for (const address of ['2606:4700:4700::1111', '2a00:1450:4001:80b::200e', '64:ff9b::808:808', '2002:808:808::1', '::ffff:8.8.8.8']) {
      expect(refusal(address), address).toBeNull();
    }
  });

  it('sees the normalised address behind numeric tricks in URLs', () => {
    for (const url of ['http://127.1/', 'http://0x7f.0.0.1/', 'http://2130706433/', 'http://017700000001/', 'http://0x7f000001/', 'http://127.0.0.1./', 'http://0/', 'http://[::ffff:127.0.0.1]/', 'http://[0:0:0:0:0:ffff:7f00:1]/', 'http://%31%32%37.0.0.1/']) {
      const host = hostOf(url);
      expect(parseIp(host), `${url} → ${host}`).not.toBeNull();
      expect(refusal(host), url).not.toBeNull();
    }
  });

  it('parses IPv6 forms to the same words', () => {
    expect(parseIp('::ffff:127.0.0.1')).toEqual(parseIp('::ffff:7f00:1'));
    expect(parseIp('0:0:0:0:0:0:0:1')).toEqual(parseIp('::1'));
    expect(parseIp('1::')).toEqual({ family: 6, words: [1, 0, 0, 0, 0, 0, 0, 0] });
    expect(parseIp('localhost')).toBeNull();
    expect(parseIp('1.2.3')).toBeNull();
    expect(refusal('example.com')).toBe('not an IP address');
  });

  it('reads the allow-list: names, wildcard subdomains, IPs and CIDRs', () => {
    const list = parseAllowList(' hooks.internal , *.corp.example, 127.0.0.1, 10.20.0.0/16, fd00::/8 ,');
    expect(allowsHost(list, 'hooks.internal')).toBe(true);
    expect(allowsHost(list, 'HOOKS.internal.')).toBe(true);
    expect(allowsHost(list, 'evil-hooks.internal')).toBe(false);
    expect(allowsHost(list, 'crm.corp.example')).toBe(true);
    expect(allowsHost(list, 'a.b.corp.example')).toBe(true);
    expect(allowsHost(list, 'corp.example')).toBe(false);
    expect(allowsHost(list, 'notcorp.example')).toBe(false);
    expect(allowsAddress(list, '127.0.0.1')).toBe(true);
    expect(allowsAddress(list, '::ffff:127.0.0.1')).toBe(true);
    expect(allowsAddress(list, '127.0.0.2')).toBe(false);
    expect(allowsAddress(list, '10.20.3.4')).toBe(true);
    expect(allowsAddress(list, '10.21.0.1')).toBe(false);
    expect(allowsAddress(list, 'fd12::1')).toBe(true);
    expect(allowsAddress(list, 'fe80::1')).toBe(false);
    expect(allowsAddress(parseAllowList('0.0.0.0/0'), '169.254.169.254')).toBe(true);
    expect(allowsAddress(parseAllowList(''), '127.0.0.1')).toBe(false);
  });

  it('explains a bad allow-list entry', () => {
    expect(allowListProblem('')).toBeNull();
    expect(allowListProblem('10.0.0.0/33')).toContain('prefix length must be 0 to 32');
    expect(allowListProblem('300.1.1.1')).toContain('not an IP address');
    expect(allowListProblem('http://hooks.internal')).toContain('is not a host name');
    expect(allowListProblem('hooks internal')).toContain('is not a host name');
  });
});
