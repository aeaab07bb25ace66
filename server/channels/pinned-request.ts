import { lookup } from 'node:dns/promises';
import { request as httpRequest, type IncomingMessage, type OutgoingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';

/**
 * One HTTP request to an address checked beforehand, and only to it. The URL keeps its host name
 * (Host header, TLS server name and certificate check), but the socket's DNS lookup is replaced by
 * one that answers the checked address: a DNS answer that changes between the check and the
 * connection (DNS rebinding) cannot redirect the request. A fresh connection per request
 * (`agent: false`), so no pooled socket to another address is ever reused.
 */
export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}
/** Resolves a host name to all its addresses; injectable so tests can play DNS. */
export type HostResolver = (hostname: string) => Promise<ResolvedAddress[]>;

export const systemResolver: HostResolver = async (hostname) =>
  (await lookup(hostname, { all: true, verbatim: true })).map((entry) => ({ address: entry.address, family: entry.family === 6 ? 6 : 4 }));

export interface PinnedResponse {
  status: number;
  headers: Headers;
  /** Reads at most `limit` bytes of the body, then closes the connection; a body that fails mid-way counts as truncated. */
  read(limit: number): Promise<{ text: string; truncated: boolean }>;
}

export interface PinnedRequestInit {
  method: string;
  headers: Headers;
  body: string;
  /** Aborts the request, including reading its body. */
  signal: AbortSignal;
}

const responseOf = (message: IncomingMessage): PinnedResponse => {
  const headers = new Headers();
  for (let i = 0; i + 1 < message.rawHeaders.length; i += 2) {
    try {
      headers.append(message.rawHeaders[i] as string, message.rawHeaders[i + 1] as string);
    } catch {
      // A header value fetch would reject (e.g. invalid characters) is not one we need.
    }
  }
  return {
    status: message.statusCode ?? 0,
    headers,
    async read(limit) {
      const chunks: Buffer[] = [];
      let size = 0;
      try {
        for await (const chunk of message as AsyncIterable<Buffer>) {
          const room = limit - size;
          if (chunk.length > room) {
            chunks.push(chunk.subarray(0, room));
            message.destroy();
            return { text: Buffer.concat(chunks).toString('utf8'), truncated: true };
          }
          chunks.push(chunk);
          size += chunk.length;
        }
        return { text: Buffer.concat(chunks).toString('utf8'), truncated: false };
      } catch {
        return { text: Buffer.concat(chunks).toString('utf8'), truncated: true };
      }
    },
  };
};

/** Sends the request to `pin` (the checked address of `url`'s host); never follows redirects. */
export const requestPinned = (url: URL, pin: ResolvedAddress, init: PinnedRequestInit): Promise<PinnedResponse> =>
  new Promise((resolve, reject) => {
    const pinnedLookup: LookupFunction = (_hostname, options, callback) => {
      if (options.all) callback(null, [{ address: pin.address, family: pin.family }]);
      else callback(null, pin.address, pin.family);
    };
    const headers: OutgoingHttpHeaders = {};
    init.headers.forEach((value, name) => {
      headers[name] = value;
    });
    if (init.body !== '') headers['content-length'] = String(Buffer.byteLength(init.body));
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    const request = send(url, { method: init.method, headers, agent: false, lookup: pinnedLookup, signal: init.signal });
    request.once('error', reject);
    request.once('response', (message) => resolve(responseOf(message)));
    request.end(init.body === '' ? undefined : init.body);
  });
