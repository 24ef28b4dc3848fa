<?php

declare(strict_types=1);

namespace Patchbay\Client;

/**
 * The API answered with an error. Patchbay answers every error as RFC 9457 problem details
 * (application/problem+json); getProblem() is that body, with type, title, status, detail.
 */
class ApiException extends \RuntimeException implements PatchbayException
{
    /**
     * @param array<string, mixed> $problem
     * @param array<string, string> $headers the answer's headers, names in lower case
     */
    public function __construct(
        private readonly array $problem,
        private readonly array $headers = [],
    ) {
        $status = (int) ($problem['status'] ?? 0);
        $title = (string) ($problem['title'] ?? 'Error');
        $detail = (string) ($problem['detail'] ?? '');
        parent::__construct("{$status} {$title}: {$detail}", $status);
    }

    public function getStatus(): int
    {
        return (int) ($this->problem['status'] ?? 0);
    }

    /** @return array<string, mixed> */
    public function getProblem(): array
    {
        return $this->problem;
    }

    /** The problem's type URI; its fragment names the problem on the API docs page. */
    public function getType(): string
    {
        return (string) ($this->problem['type'] ?? 'about:blank');
    }

    public function getDetail(): string
    {
        return (string) ($this->problem['detail'] ?? '');
    }

    /** @return array<string, string> */
    public function getHeaders(): array
    {
        return $this->headers;
    }
}
