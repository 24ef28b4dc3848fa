// The client against a live Patchbay API (tests/sdks/test_typescript_client.py starts it).
import assert from "node:assert/strict";
import { test } from "node:test";
import {
  ApiError,
  KeyExpiredError,
  NotFoundError,
  PatchbayClient,
  RateLimitedError,
  ScopeRefusedError,
  UnauthorizedError,
  ValidationError,
} from "../dist/index.js";
import { countingFetch, env } from "./env.mjs";

const client = (key, options = {}) =>
  new PatchbayClient({ apiKey: env(key), baseUrl: env("PATCHBAY_API_URL"), ...options });

test("paging reads all 250 customers, 100 a page, in three calls", async () => {
  // Runs first in this file, before any test creates a customer: exactly the seeded 250.
  const counter = countingFetch();
  const ids = [];
  const pb = client("PATCHBAY_API_KEY", { fetch: counter.fetch });
  for await (const customer of pb.paginate("customers_list")) ids.push(customer.id);
  assert.equal(ids.length, 250);
  assert.equal(new Set(ids).size, 250);
  assert.deepEqual(
    counter.calls.map((c) => new URL(c.url).search),
    ["?page_size=100&page=1", "?page_size=100&page=2", "?page_size=100&page=3"],
  );
});

test("paging with a smaller page follows every page", async () => {
  const counter = countingFetch();
  const names = [];
  const pb = client("PATCHBAY_API_KEY", { fetch: counter.fetch, pageSize: 40 });
  for await (const customer of pb.paginate("customers_list")) names.push(customer.name);
  assert.equal(new Set(names).size, names.length);
  assert.ok(names.length >= 250);
  assert.equal(counter.calls.length, Math.ceil(names.length / 40));
});

test("a customer is created, updated, and then read back among the changes", async () => {
  const pb = client("PATCHBAY_API_KEY");
  const created = await pb.call("customers_create", {
    body: { name: "Node Lighting Ltd", email: "accounts@node-lighting.example" },
  });
  assert.equal(created.name, "Node Lighting Ltd");
  assert.equal(created.currency, "GBP");
  const updated = await pb.call("customers_partial_update", {
    path: { id: created.id }, // a number works as well as a string
    body: { name: "Node Lighting & Sound Ltd" },
  });
  assert.equal(updated.id, created.id);
  assert.equal(updated.name, "Node Lighting & Sound Ltd");
  const read = await pb.call("customers_retrieve", { path: { id: String(created.id) } });
  assert.equal(read.name, "Node Lighting & Sound Ltd");

  const changed = [];
  for await (const customer of pb.changedSince("customers_list", updated.updated_at)) {
    changed.push(customer.id);
  }
  assert.deepEqual(changed, [created.id]);
});

test("nothing changed after a moment in the future", async () => {
  const later = new Date(Date.now() + 3_600_000);
  const changed = [];
  for await (const c of client("PATCHBAY_API_KEY").changedSince("customers_list", later)) {
    changed.push(c);
  }
  assert.deepEqual(changed, []);
});

test("a write with a read-only key is a ScopeRefusedError naming the scope", async () => {
  const error = await client("PATCHBAY_READONLY_KEY")
    .call("customers_create", { body: { name: "Refused Ltd" } })
    .then(
      () => assert.fail("the read-only key created a customer"),
      (e) => e,
    );
  assert.ok(error instanceof ScopeRefusedError, String(error));
  assert.ok(error instanceof ApiError);
  assert.equal(error.status, 403);
  assert.equal(error.requiredScope, "customers:write");
});

test("an expired key is a KeyExpiredError", async () => {
  const error = await client("PATCHBAY_EXPIRED_KEY")
    .call("customers_list")
    .then(
      () => assert.fail("the expired key was accepted"),
      (e) => e,
    );
  assert.ok(error instanceof KeyExpiredError, String(error));
  assert.ok(error instanceof UnauthorizedError);
  assert.equal(error.status, 401);
  assert.match(error.detail, /expired/);
});

test("invalid fields are a ValidationError with each field's messages", async () => {
  const error = await client("PATCHBAY_API_KEY")
    .call("customers_create", { body: { name: "Bad Email Ltd", email: "not an address" } })
    .then(
      () => assert.fail("an invalid email was accepted"),
      (e) => e,
    );
  assert.ok(error instanceof ValidationError, String(error));
  assert.ok(Object.keys(error.errors).some((field) => field.startsWith("email")), error.detail);
});

test("an unknown record is a NotFoundError", async () => {
  await assert.rejects(
    client("PATCHBAY_API_KEY").call("customers_retrieve", { path: { id: "999999999" } }),
    NotFoundError,
  );
});

test("a 429 is waited out for as long as the API says, then the call succeeds", async () => {
  const counter = countingFetch();
  const impatient = client("PATCHBAY_LOW_LIMIT_KEY", { maxRateLimitRetries: 0 });
  const waits = [];
  const patient = client("PATCHBAY_LOW_LIMIT_KEY", {
    fetch: counter.fetch,
    onRateLimited: (info) => waits.push(info.seconds),
  });
  for (let i = 0; i < 3; i++) await impatient.call("customers_list", { query: { page_size: 1 } });

  const refused = await impatient.call("customers_list").then(
    () => assert.fail("the fourth call in the window was not limited"),
    (e) => e,
  );
  assert.ok(refused instanceof RateLimitedError, String(refused));
  assert.ok(refused.retryAfterSeconds >= 1);
  assert.deepEqual(refused.violatedPolicies, ["minute"]);

  const started = Date.now();
  const page = await patient.call("customers_list", { query: { page_size: 1 } });
  const waited = (Date.now() - started) / 1000;
  assert.ok(page.count >= 250);
  assert.equal(page.results.length, 1);
  assert.equal(waits.length, 1, `waits: ${waits}`);
  assert.equal(counter.calls.length, 2); // the refused call and its retry
  assert.ok(waited >= waits[0] - 0.05, `waited ${waited}s of ${waits[0]}s`);
});

test("a wait longer than maxWaitSeconds throws at once rather than sleeping", async () => {
  const pb = client("PATCHBAY_LOW_LIMIT_KEY", { maxWaitSeconds: 0 });
  const outcomes = [];
  for (let i = 0; i < 5; i++) {
    outcomes.push(await pb.call("customers_list", { query: { page_size: 1 } }).then(() => "ok", (e) => e));
  }
  assert.ok(outcomes.some((o) => o instanceof RateLimitedError), String(outcomes));
});
