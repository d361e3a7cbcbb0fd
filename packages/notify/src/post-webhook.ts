// Sends one webhook POST through the address guard (webhook-address.ts). The check happens where
// the connection is made: the socket's DNS look-up is ours, so every address the name resolves to
// is checked and the socket connects only to a checked one (no second look-up an attacker's DNS
// could answer differently). Redirects are followed only when they keep the method and body
// (307/308), at most 3, and each hop is checked the same way.
import { lookup as dnsLookup } from "node:dns/promises";
import http from "node:http";
import https from "node:https";
import { isIP, type LookupFunction } from "node:net";
import { addressRefusal, type AllowedNetworks } from "./webhook-address.ts";

/** A refused destination (never retried into a different answer by itself, but retried anyway). */
export class WebhookAddressError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "WebhookAddressError";
  }
}

export type ResolveHost = (hostname: string) => Promise<{ address: string; family: number }[]>;

export interface PostWebhookOptions {
  headers: Record<string, string>;
  body: string;
  allowed: AllowedNetworks;
  timeoutMs?: number;
  maxRedirects?: number;
  /** DNS resolution (default: the system resolver, every address). Tests substitute it. */
  resolve?: ResolveHost;
}

export interface WebhookResponse {
  status: number;
  /** The URL that answered (after redirects). */
  url: string;
}

const systemResolve: ResolveHost = (hostname) => dnsLookup(hostname, { all: true, verbatim: true });

function guardedLookup(resolve: ResolveHost, allowed: AllowedNetworks): LookupFunction {
  return (hostname, options, callback) => {
    resolve(hostname).then(
      (addresses) => {
        const wanted = options.family === 4 || options.family === 6 ? options.family : 0;
        const usable = addresses.filter((a) => !wanted || a.family === wanted);
        // Any forbidden answer refuses the host: a name that also points inside is not trusted.
        for (const a of addresses) {
          const refusal = addressRefusal(a.address, allowed);
          if (refusal)
            return callback(
              new WebhookAddressError(
                `webhook host ${hostname} resolves to a refused address: ${refusal} (an operator can allow it with MIXCAST_WEBHOOK_ALLOWED_NETWORKS)`,
              ),
              "",
              4,
            );
        }
        const first = usable[0];
        if (!first)
          return callback(
            Object.assign(new Error(`no address for ${hostname}`), { code: "ENOTFOUND" }),
            "",
            4,
          );
        if (options.all) (callback as unknown as (e: null, a: typeof usable) => void)(null, usable);
        else callback(null, first.address, first.family);
      },
      (error: NodeJS.ErrnoException) => callback(error, "", 4),
    );
  };
}

function refuseLiteral(url: URL, allowed: AllowedNetworks): void {
  const host = url.hostname.replace(/^\[|\]$/g, "");
  if (isIP(host)) {
    const refusal = addressRefusal(host, allowed);
    if (refusal)
      throw new WebhookAddressError(
        `webhook URL ${url.origin} is refused: ${refusal} (an operator can allow it with MIXCAST_WEBHOOK_ALLOWED_NETWORKS)`,
      );
  }
}

function postOnce(
  url: URL,
  options: PostWebhookOptions,
  signal: AbortSignal,
): Promise<{ status: number; location: string | undefined }> {
  refuseLiteral(url, options.allowed);
  const client = url.protocol === "https:" ? https : http;
  return new Promise((resolvePromise, reject) => {
    const request = client.request(
      url,
      {
        method: "POST",
        headers: { ...options.headers, "content-length": String(Buffer.byteLength(options.body)) },
        lookup: guardedLookup(options.resolve ?? systemResolve, options.allowed),
        // No keep-alive pool: each delivery resolves and checks afresh.
        agent: false,
        signal,
      },
      (response) => {
        response.resume();
        response.on("end", () =>
          resolvePromise({ status: response.statusCode ?? 0, location: response.headers.location }),
        );
        response.on("error", reject);
      },
    );
    request.on("error", reject);
    request.end(options.body);
  });
}

/** POSTs `body` to `target`; resolves with the final status, rejects on refusal or network error. */
export async function postWebhook(target: string, options: PostWebhookOptions): Promise<WebhookResponse> {
  const signal = AbortSignal.timeout(options.timeoutMs ?? 10_000);
  let url = new URL(target);
  for (let hop = 0; ; hop++) {
    if (url.protocol !== "http:" && url.protocol !== "https:")
      throw new WebhookAddressError(`webhook URL must be http(s), not ${url.protocol}`);
    const { status, location } = await postOnce(url, options, signal);
    if ((status !== 307 && status !== 308) || !location) return { status, url: url.toString() };
    if (hop >= (options.maxRedirects ?? 3)) return { status, url: url.toString() };
    url = new URL(location, url);
  }
}
