<?php

declare(strict_types=1);

namespace Patchbay\Client;

/** 429 the client did not wait out: waiting disabled, retries spent, or the wait too long. */
class RateLimitedException extends ApiException
{
    /**
     * @param array<string, mixed> $problem
     * @param array<string, string> $headers
     */
    public function __construct(array $problem, array $headers, private readonly int $retryAfterSeconds)
    {
        parent::__construct($problem, $headers);
    }

    /** Seconds the API asked the caller to wait before trying again. */
    public function getRetryAfterSeconds(): int
    {
        return $this->retryAfterSeconds;
    }

    /** @return list<string> the exceeded windows, e.g. ['minute'] */
    public function getViolatedPolicies(): array
    {
        $policies = $this->getProblem()['violated-policies'] ?? [];
        return is_array($policies) ? array_values($policies) : [];
    }
}
