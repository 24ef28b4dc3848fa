// Webhooks signed by Patchbay's own signing code (webhooks/signing.py), from live_api_env.
import assert from "node:assert/strict";
import { test } from "node:test";
import { Webhook, WebhookVerificationError } from "../dist/index.js";
import { env } from "./env.mjs";

const sample = () => JSON.parse(env("PATCHBAY_WEBHOOK_SAMPLE"));
const headersOf = (s) => ({
  "webhook-id": s.id,
  "webhook-timestamp": s.timestamp,
  "webhook-signature": s.signature,
});

test("a delivery signed by Patchbay is verified and its payload returned", async () => {
  const s = sample();
  const payload = await new Webhook(env("PATCHBAY_WEBHOOK_SECRET")).verify(s.body, headersOf(s));
  assert.deepEqual(payload, JSON.parse(s.body));
  assert.equal(typeof payload.type, "string");
});

test("a Headers object works as well as a plain object", async () => {
  const s = sample();
  const headers = new Headers(headersOf(s));
  await new Webhook(env("PATCHBAY_WEBHOOK_SECRET")).verify(s.body, headers);
});

test("header names are matched in any case", async () => {
  const s = sample();
  const headers = { "Webhook-Id": s.id, "WEBHOOK-TIMESTAMP": s.timestamp, "Webhook-Signature": s.signature };
  await new Webhook(env("PATCHBAY_WEBHOOK_SECRET")).verify(s.body, headers);
});

test("a changed body is refused", async () => {
  const s = sample();
  // Still the same JSON to a parser, but not the bytes that were signed.
  const tampered = s.body.replace("{", "{ ");
  assert.deepEqual(JSON.parse(tampered), JSON.parse(s.body));
  await assert.rejects(
    new Webhook(env("PATCHBAY_WEBHOOK_SECRET")).verify(tampered, headersOf(s)),
    WebhookVerificationError,
  );
});

test("a changed id or signature is refused", async () => {
  const s = sample();
  const webhook = new Webhook(env("PATCHBAY_WEBHOOK_SECRET"));
  await assert.rejects(webhook.verify(s.body, { ...headersOf(s), "webhook-id": "evt_other" }), WebhookVerificationError);
  const flipped = s.signature.slice(0, -4) + (s.signature.endsWith("AAA=") ? "BBB=" : "AAA=");
  await assert.rejects(webhook.verify(s.body, { ...headersOf(s), "webhook-signature": flipped }), WebhookVerificationError);
});

test("another secret's signature is refused", async () => {
  const s = sample();
  const other = "whsec_" + Buffer.alloc(32, 7).toString("base64");
  await assert.rejects(new Webhook(other).verify(s.body, headersOf(s)), WebhookVerificationError);
});

test("one matching signature among several (a secret rotation) is enough", async () => {
  const s = sample();
  const headers = { ...headersOf(s), "webhook-signature": `v1,${Buffer.alloc(32).toString("base64")} ${s.signature}` };
  await new Webhook(env("PATCHBAY_WEBHOOK_SECRET")).verify(s.body, headers);
});

test("a timestamp more than five minutes away is refused as a replay", async () => {
  const s = sample();
  const webhook = new Webhook(env("PATCHBAY_WEBHOOK_SECRET"));
  const sent = Number(s.timestamp) * 1000;
  await webhook.verify(s.body, headersOf(s), new Date(sent + 4 * 60_000));
  await assert.rejects(webhook.verify(s.body, headersOf(s), new Date(sent + 6 * 60_000)), /too old/);
  await assert.rejects(webhook.verify(s.body, headersOf(s), new Date(sent - 6 * 60_000)), /future/);
});

test("missing headers are refused by name", async () => {
  const s = sample();
  await assert.rejects(
    new Webhook(env("PATCHBAY_WEBHOOK_SECRET")).verify(s.body, { "webhook-id": s.id }),
    /webhook-timestamp/,
  );
});
