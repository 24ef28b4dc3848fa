<?php

declare(strict_types=1);

use Patchbay\Client\RetryAfter;
use Patchbay\Client\Webhook;
use Patchbay\Client\WebhookVerificationException;

// Webhooks signed by Patchbay's own signing code (webhooks/signing.py), from live_api_env.

/** @return array{id: string, timestamp: string, body: string, signature: string} */
function sample(): array
{
    $sample = json_decode(env('PATCHBAY_WEBHOOK_SAMPLE'), true, 512, JSON_THROW_ON_ERROR);
    // Headers are text: the fixture's JSON gives the timestamp as a number.
    $sample['timestamp'] = (string) $sample['timestamp'];
    return $sample;
}

/** @return array<string, string> */
function headers_of(array $sample): array
{
    return ['webhook-id' => $sample['id'], 'webhook-timestamp' => $sample['timestamp'], 'webhook-signature' => $sample['signature']];
}

$harness->test('a delivery signed by Patchbay is verified and its payload returned', static function (): void {
    $s = sample();
    $payload = (new Webhook(env('PATCHBAY_WEBHOOK_SECRET')))->verify($s['body'], headers_of($s));
    same(json_decode($s['body'], true), $payload, 'payload');
    check(is_string($payload['type'] ?? null), 'the event has a type');
});

$harness->test('headers in getallheaders() case are read too', static function (): void {
    $s = sample();
    $headers = ['Webhook-Id' => $s['id'], 'Webhook-Timestamp' => $s['timestamp'], 'Webhook-Signature' => $s['signature']];
    (new Webhook(env('PATCHBAY_WEBHOOK_SECRET')))->verify($s['body'], $headers);
});

$harness->test('a changed body is refused', static function (): void {
    $s = sample();
    // Still the same JSON to a parser, but not the bytes that were signed.
    $tampered = preg_replace('/\{/', '{ ', $s['body'], 1);
    same(json_decode($s['body'], true), json_decode($tampered, true), 'decoded body');
    throws(WebhookVerificationException::class, static fn () => (new Webhook(env('PATCHBAY_WEBHOOK_SECRET')))->verify($tampered, headers_of($s)));
});

$harness->test('a changed id or signature is refused', static function (): void {
    $s = sample();
    $webhook = new Webhook(env('PATCHBAY_WEBHOOK_SECRET'));
    throws(WebhookVerificationException::class, static fn () => $webhook->verify($s['body'], ['webhook-id' => 'evt_other'] + headers_of($s)));
    $flipped = 'v1,' . base64_encode(str_repeat("\0", 32));
    throws(WebhookVerificationException::class, static fn () => $webhook->verify($s['body'], ['webhook-signature' => $flipped] + headers_of($s)));
});

$harness->test('another secret\'s signature is refused', static function (): void {
    $s = sample();
    $other = 'whsec_' . base64_encode(str_repeat("\7", 32));
    throws(WebhookVerificationException::class, static fn () => (new Webhook($other))->verify($s['body'], headers_of($s)));
});

$harness->test('one matching signature among several (a secret rotation) is enough', static function (): void {
    $s = sample();
    $both = 'v1,' . base64_encode(str_repeat("\0", 32)) . ' ' . $s['signature'];
    (new Webhook(env('PATCHBAY_WEBHOOK_SECRET')))->verify($s['body'], ['webhook-signature' => $both] + headers_of($s));
});

$harness->test('a timestamp more than five minutes away is refused as a replay', static function (): void {
    $s = sample();
    $webhook = new Webhook(env('PATCHBAY_WEBHOOK_SECRET'));
    $sent = (int) $s['timestamp'];
    $webhook->verify($s['body'], headers_of($s), $sent + 240);
    $old = throws(WebhookVerificationException::class, static fn () => $webhook->verify($s['body'], headers_of($s), $sent + 360));
    check(str_contains($old->getMessage(), 'too old'), $old->getMessage());
    $future = throws(WebhookVerificationException::class, static fn () => $webhook->verify($s['body'], headers_of($s), $sent - 360));
    check(str_contains($future->getMessage(), 'future'), $future->getMessage());
});

$harness->test('missing headers are refused by name', static function (): void {
    $s = sample();
    $error = throws(WebhookVerificationException::class, static fn () => (new Webhook(env('PATCHBAY_WEBHOOK_SECRET')))->verify($s['body'], ['webhook-id' => $s['id']]));
    check(str_contains($error->getMessage(), 'webhook-timestamp'), $error->getMessage());
});

$harness->test('Retry-After is read as seconds or as an HTTP date', static function (): void {
    same(7, RetryAfter::parseRetryAfter('7'), 'seconds');
    $now = strtotime('2026-12-07T10:00:00Z');
    same(30, RetryAfter::parseRetryAfter('Mon, 07 Dec 2026 10:00:30 GMT', $now), 'date');
    same(null, RetryAfter::parseRetryAfter('soon'), 'nonsense');
});

$harness->test('RateLimit gives the longest reset among the exhausted policies', static function (): void {
    same(12, RetryAfter::parseRateLimit('"minute";r=0;t=12, "hour";r=4000;t=3000'), 'one exhausted');
    same(900, RetryAfter::parseRateLimit('"minute";r=0;t=12, "hour";r=0;t=900'), 'both exhausted');
    same(null, RetryAfter::parseRateLimit('"minute";r=5;t=12'), 'none exhausted');
});
