<?php

declare(strict_types=1);

namespace Patchbay\Client;

/**
 * How long a 429 asks the caller to wait. Patchbay sends Retry-After (seconds), the IETF
 * draft's RateLimit header ("minute";r=0;t=12: what is left and the seconds until it grows,
 * https://datatracker.ietf.org/doc/draft-ietf-httpapi-ratelimit-headers/) and
 * retry_after_seconds in the problem body; any one of them is enough.
 */
final class RetryAfter
{
    /** Retry-After as seconds: delay-seconds or an HTTP date (RFC 9110, section 10.2.3). */
    public static function parseRetryAfter(?string $value, ?int $now = null): ?int
    {
        $value = trim((string) $value);
        if ($value === '') {
            return null;
        }
        if (ctype_digit($value)) {
            return (int) $value;
        }
        $at = strtotime($value);
        return $at === false ? null : max(0, $at - ($now ?? time()));
    }

    /** The longest reset (t) among the policies with nothing left (r=0), or null. */
    public static function parseRateLimit(?string $value): ?int
    {
        $wait = null;
        foreach (explode(',', (string) $value) as $item) {
            $params = [];
            foreach (array_slice(explode(';', $item), 1) as $part) {
                [$name, $raw] = array_pad(explode('=', $part, 2), 2, null);
                if ($raw !== null) {
                    $params[trim($name)] = trim($raw);
                }
            }
            if (($params['r'] ?? null) === '0' && isset($params['t']) && ctype_digit($params['t'])) {
                $wait = max($wait ?? 0, (int) $params['t']);
            }
        }
        return $wait;
    }

    /**
     * Seconds to wait: the headers first, then the problem body; at least one.
     *
     * @param array<string, string> $headers names in lower case
     * @param array<string, mixed> $problem
     */
    public static function seconds(array $headers, array $problem): int
    {
        $seconds = self::parseRetryAfter($headers['retry-after'] ?? null)
            ?? self::parseRateLimit($headers['ratelimit'] ?? null)
            ?? (isset($problem['retry_after_seconds']) ? (int) $problem['retry_after_seconds'] : 1);
        return max(1, $seconds);
    }
}
