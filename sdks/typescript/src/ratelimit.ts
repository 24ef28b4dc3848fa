/**
 * How long a 429 asks us to wait. Patchbay sends `Retry-After` (seconds), the IETF
 * draft's `RateLimit` header (`"minute";r=0;t=12, …`: what is left and the seconds
 * until it grows) and `retry_after_seconds` in the problem body; any one suffices.
 * https://datatracker.ietf.org/doc/draft-ietf-httpapi-ratelimit-headers/
 */
import type { Problem } from "./errors.js";

/** `Retry-After` as seconds: either delay-seconds or an HTTP date (RFC 9110 §10.2.3). */
export function parseRetryAfter(value: string | null, now: number = Date.now()): number | null {
  if (!value) return null;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed);
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? null : Math.max(0, Math.ceil((at - now) / 1000));
}

/** The longest `t` among the policies with nothing left (`r=0`) in a `RateLimit` header. */
export function parseRateLimit(value: string | null): number | null {
  if (!value) return null;
  let wait: number | null = null;
  for (const item of value.split(",")) {
    const params = new Map<string, string>();
    for (const part of item.split(";").slice(1)) {
      const [name, raw] = part.split("=", 2);
      if (name && raw !== undefined) params.set(name.trim(), raw.trim());
    }
    const left = Number(params.get("r"));
    const reset = Number(params.get("t"));
    if (left === 0 && Number.isFinite(reset)) wait = Math.max(wait ?? 0, reset);
  }
  return wait;
}

/** Seconds to wait before retrying a 429, from the headers first, then the body; at least 1. */
export function waitSeconds(headers: Headers, problem: Problem): number {
  const seconds =
    parseRetryAfter(headers.get("Retry-After")) ??
    parseRateLimit(headers.get("RateLimit")) ??
    problem.retry_after_seconds ??
    1;
  return Math.max(1, seconds);
}
