<?php

declare(strict_types=1);

namespace Patchbay\Client;

/**
 * Verifies Patchbay's webhook deliveries, signed the Standard Webhooks way
 * (https://www.standardwebhooks.com): HMAC-SHA256 over "{id}.{timestamp}.{body}" keyed with
 * the bytes of the base64 after whsec_, sent as "v1,<base64>" in webhook-signature (several,
 * space-separated, while a secret is being rotated).
 */
final class Webhook
{
    private const PREFIX = 'whsec_';
    private readonly string $key;

    /** @param string $secret the endpoint's signing secret as Patchbay shows it, whsec_… */
    public function __construct(string $secret, private readonly int $toleranceSeconds = 300)
    {
        if (!str_starts_with($secret, self::PREFIX)) {
            throw new \InvalidArgumentException('The signing secret starts with whsec_: copy it whole from Patchbay.');
        }
        $key = base64_decode(substr($secret, strlen(self::PREFIX)), true);
        if ($key === false || $key === '') {
            throw new \InvalidArgumentException('The signing secret is not valid base64 after whsec_.');
        }
        $this->key = $key;
    }

    /**
     * Checks a delivery and returns its decoded JSON payload. $body must be the raw request
     * body (file_get_contents('php://input')), not JSON re-encoded from a decoded copy.
     * $headers may use any case: ['webhook-id' => …] or getallheaders()'s 'Webhook-Id'.
     *
     * @param array<string, string|list<string>> $headers
     * @return array<string, mixed>
     */
    public function verify(string $body, array $headers, ?int $now = null): array
    {
        $headers = array_change_key_case($headers, CASE_LOWER);
        $id = $this->header($headers, 'webhook-id');
        $timestamp = $this->header($headers, 'webhook-timestamp');
        $signatures = $this->header($headers, 'webhook-signature');
        $this->checkTimestamp($timestamp, $now ?? time());
        $expected = hash_hmac('sha256', "{$id}.{$timestamp}.{$body}", $this->key, true);
        if (!$this->anyMatches($signatures, $expected)) {
            throw new WebhookVerificationException('No signature matches: wrong secret, or the message was changed.');
        }
        $payload = json_decode($body, true);
        if (!is_array($payload)) {
            throw new WebhookVerificationException('The signed body is not a JSON object.');
        }
        return $payload;
    }

    /** @param array<string, string|int|list<string>> $headers */
    private function header(array $headers, string $name): string
    {
        $value = $headers[$name] ?? '';
        // A hand-built array may hold the timestamp as an int; a header is text either way.
        $value = (string) (is_array($value) ? ($value[0] ?? '') : $value);
        if ($value === '') {
            throw new WebhookVerificationException("The {$name} header is missing.");
        }
        return $value;
    }

    private function checkTimestamp(string $timestamp, int $now): void
    {
        if (!ctype_digit($timestamp)) {
            throw new WebhookVerificationException('The timestamp is not a number.');
        }
        $age = $now - (int) $timestamp;
        if ($age > $this->toleranceSeconds) {
            throw new WebhookVerificationException('The message is too old.');
        }
        if ($age < -$this->toleranceSeconds) {
            throw new WebhookVerificationException('The timestamp is in the future.');
        }
    }

    private function anyMatches(string $signatures, string $expected): bool
    {
        foreach (explode(' ', $signatures) as $entry) {
            [$version, $value] = array_pad(explode(',', $entry, 2), 2, '');
            if ($version !== 'v1') {
                continue; // another scheme (e.g. v1a) is not ours
            }
            $given = base64_decode($value, true);
            // hash_equals takes the same time wherever the strings differ.
            if ($given !== false && hash_equals($expected, $given)) {
                return true;
            }
        }
        return false;
    }
}
