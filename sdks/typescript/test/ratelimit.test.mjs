import assert from "node:assert/strict";
import { test } from "node:test";
import { parseRateLimit, parseRetryAfter } from "../dist/index.js";

test("Retry-After is read as seconds or as an HTTP date", () => {
  assert.equal(parseRetryAfter("7"), 7);
  const now = Date.parse("2026-12-07T10:00:00Z");
  assert.equal(parseRetryAfter("Mon, 07 Dec 2026 10:00:30 GMT", now), 30);
  assert.equal(parseRetryAfter("soon"), null);
  assert.equal(parseRetryAfter(null), null);
});

test("RateLimit gives the longest reset among the exhausted policies", () => {
  assert.equal(parseRateLimit('"minute";r=0;t=12, "hour";r=4000;t=3000'), 12);
  assert.equal(parseRateLimit('"minute";r=0;t=12, "hour";r=0;t=900'), 900);
  assert.equal(parseRateLimit('"minute";r=5;t=12'), null);
});
