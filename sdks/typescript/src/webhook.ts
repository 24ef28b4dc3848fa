/**
 * Verifying Patchbay's webhooks, which are signed the Standard Webhooks way
 * (https://www.standardwebhooks.com): HMAC-SHA256 over `${id}.${timestamp}.${body}` with
 * the bytes of the base64 after `whsec_`, sent as `v1,<base64>` in `webhook-signature`
 * (several, space-separated, while a secret is being rotated). Uses WebCrypto, present in
 * Node 20+ and every current browser, so there is nothing to install.
 */
import { PatchbayError } from "./errors.js";

const PREFIX = "whsec_";
const DEFAULT_TOLERANCE_SECONDS = 5 * 60;

/** The signature, timestamp or headers did not check out: answer the sender 400 and drop it. */
export class WebhookVerificationError extends PatchbayError {
  override name = "WebhookVerificationError";
}

export type WebhookHeaders =
  | Headers
  | Record<string, string | string[] | undefined>;

export interface WebhookOptions {
  /** How far the timestamp may be from now, in seconds (default 300): older messages are replays. */
  toleranceSeconds?: number;
}

function base64Bytes(text: string): Uint8Array<ArrayBuffer> {
  let binary: string;
  try {
    binary = atob(text);
  } catch {
    throw new WebhookVerificationError("Not valid base64.");
  }
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** A header's first value, by name in any case (Node lower-cases names, other servers may not). */
function header(headers: WebhookHeaders, name: string): string {
  let value: string | string[] | null | undefined;
  if (typeof (headers as Headers).get === "function") {
    value = (headers as Headers).get(name);
  } else {
    const entries = Object.entries(headers as Record<string, string | string[] | undefined>);
    value = entries.find(([key]) => key.toLowerCase() === name)?.[1];
  }
  const first = Array.isArray(value) ? value[0] : value;
  if (!first) throw new WebhookVerificationError(`The ${name} header is missing.`);
  return first;
}

export class Webhook {
  private readonly key: Promise<CryptoKey>;
  private readonly toleranceSeconds: number;

  /** `secret` is the endpoint's signing secret as shown in Patchbay, `whsec_…`. */
  constructor(secret: string, options: WebhookOptions = {}) {
    if (!secret.startsWith(PREFIX)) {
      throw new TypeError("The signing secret starts with whsec_: copy it whole from Patchbay.");
    }
    const raw = base64Bytes(secret.slice(PREFIX.length));
    this.key = crypto.subtle.importKey("raw", raw, { name: "HMAC", hash: "SHA-256" }, false, [
      "verify",
    ]);
    this.toleranceSeconds = options.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS;
  }

  /**
   * Checks a delivery and returns its parsed JSON payload. `body` must be the request body
   * exactly as received (the raw text, before any JSON parsing): re-serialised JSON differs.
   * Throws WebhookVerificationError when it does not check out.
   */
  async verify(body: string, headers: WebhookHeaders, now: Date = new Date()): Promise<unknown> {
    const id = header(headers, "webhook-id");
    const timestamp = header(headers, "webhook-timestamp");
    const signatures = header(headers, "webhook-signature");
    this.checkTimestamp(timestamp, now);
    const content = new TextEncoder().encode(`${id}.${timestamp}.${body}`);
    if (!(await this.anyMatches(signatures, content))) {
      throw new WebhookVerificationError("No signature matches: wrong secret, or the message was changed.");
    }
    try {
      return JSON.parse(body);
    } catch {
      throw new WebhookVerificationError("The signed body is not JSON.");
    }
  }

  private checkTimestamp(timestamp: string, now: Date): void {
    if (!/^\d+$/.test(timestamp)) throw new WebhookVerificationError("The timestamp is not a number.");
    const age = Math.floor(now.getTime() / 1000) - Number(timestamp);
    if (age > this.toleranceSeconds) throw new WebhookVerificationError("The message is too old.");
    if (age < -this.toleranceSeconds) throw new WebhookVerificationError("The timestamp is in the future.");
  }

  private async anyMatches(signatures: string, content: Uint8Array<ArrayBuffer>): Promise<boolean> {
    const key = await this.key;
    for (const entry of signatures.split(" ")) {
      const [version, value] = entry.split(",", 2);
      if (version !== "v1" || !value) continue; // other schemes (e.g. v1a) are not ours
      let signature: Uint8Array<ArrayBuffer>;
      try {
        signature = base64Bytes(value);
      } catch {
        continue;
      }
      // subtle.verify compares in constant time, unlike comparing strings.
      if (await crypto.subtle.verify("HMAC", key, signature, content)) return true;
    }
    return false;
  }
}
