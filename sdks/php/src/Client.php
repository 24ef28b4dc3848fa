<?php

declare(strict_types=1);

namespace Patchbay\Client;

/**
 * The Patchbay REST API v1 client: one method per operation of the OpenAPI schema (named
 * after its operationId), paging over every page, updated_since for incremental reads,
 * 429s waited out, and errors thrown as typed exceptions. Records are returned as the
 * API's JSON decoded into arrays.
 *
 * tests/run.php holds OPERATIONS and the methods to the schema: each schema operation has
 * its entry (method, path, paged) and its method, with the path, query and body parameters
 * the schema gives it.
 */
final class Client
{
    public const VERSION = '1.0.0';
    private const MAX_PAGE_SIZE = 100;

    /** operationId => [HTTP method, path under the base URL, answers with pages]. */
    public const OPERATIONS = [
        'credit_notes_list' => ['GET', '/credit-notes/', true],
        'credit_notes_retrieve' => ['GET', '/credit-notes/{id}/', false],
        'customers_create' => ['POST', '/customers/', false],
        'customers_list' => ['GET', '/customers/', true],
        'customers_partial_update' => ['PATCH', '/customers/{id}/', false],
        'customers_retrieve' => ['GET', '/customers/{id}/', false],
        'equipment_availability_retrieve' => ['GET', '/equipment/{id}/availability/', false],
        'equipment_list' => ['GET', '/equipment/', true],
        'equipment_retrieve' => ['GET', '/equipment/{id}/', false],
        'event_types_list' => ['GET', '/event-types/', false],
        'income_categories_list' => ['GET', '/income-categories/', true],
        'invoices_list' => ['GET', '/invoices/', true],
        'invoices_retrieve' => ['GET', '/invoices/{id}/', false],
        'payments_list' => ['GET', '/payments/', true],
        'payments_retrieve' => ['GET', '/payments/{id}/', false],
        'projects_create' => ['POST', '/projects/', false],
        'projects_list' => ['GET', '/projects/', true],
        'projects_partial_update' => ['PATCH', '/projects/{id}/', false],
        'projects_retrieve' => ['GET', '/projects/{id}/', false],
        'quotes_approve_create' => ['POST', '/quotes/{id}/approve/', false],
        'quotes_create' => ['POST', '/quotes/', false],
        'quotes_list' => ['GET', '/quotes/', true],
        'quotes_retrieve' => ['GET', '/quotes/{id}/', false],
        'tax_categories_list' => ['GET', '/tax-categories/', true],
        'webhook_endpoints_list' => ['GET', '/webhook-endpoints/', true],
        'webhook_endpoints_retrieve' => ['GET', '/webhook-endpoints/{id}/', false],
    ];

    /** Requests sent so far (429s that were waited out count too). */
    public int $requests = 0;

    private readonly string $baseUrl;
    /** @var callable(float): void */
    private $sleep;
    /** @var (callable(string, int, int): void)|null */
    private $onRateLimited;

    /**
     * @param string $apiKey a key (pbk_…) from Integrations > API access
     * @param string $baseUrl the API's base, ending in /api/v1
     * @param int $maxRateLimitRetries 429s in a row one call waits out (0: never wait)
     * @param int $maxWaitSeconds a longer Retry-After throws RateLimitedException at once
     * @param (callable(string $operationId, int $seconds, int $attempt): void)|null $onRateLimited called before each wait
     * @param (callable(float $seconds): void)|null $sleep replaces the wait (tests, event loops)
     */
    public function __construct(
        private readonly string $apiKey,
        string $baseUrl,
        private readonly int $maxRateLimitRetries = 3,
        private readonly int $maxWaitSeconds = 120,
        private readonly int $pageSize = self::MAX_PAGE_SIZE,
        ?callable $onRateLimited = null,
        ?callable $sleep = null,
        private readonly int $timeoutSeconds = 60,
    ) {
        if ($apiKey === '' || $baseUrl === '') {
            throw new \InvalidArgumentException('Give an API key (pbk_…) and the base URL (…/api/v1).');
        }
        $this->baseUrl = rtrim($baseUrl, '/');
        $this->onRateLimited = $onRateLimited;
        $this->sleep = $sleep ?? static function (float $seconds): void {
            usleep((int) round($seconds * 1_000_000));
        };
    }

    // One method per operation, in the schema's terms. ---------------------------------

    /** @param array<string, mixed> $query @return array<string, mixed> */
    public function creditNotesList(array $query = []): array
    {
        return $this->call('credit_notes_list', [], $query);
    }

    /** @return array<string, mixed> */
    public function creditNotesRetrieve(int|string $id): array
    {
        return $this->call('credit_notes_retrieve', ['id' => $id]);
    }

    /** @param array<string, mixed> $body @return array<string, mixed> */
    public function customersCreate(array $body): array
    {
        return $this->call('customers_create', [], [], $body);
    }

    /** @param array<string, mixed> $query @return array<string, mixed> */
    public function customersList(array $query = []): array
    {
        return $this->call('customers_list', [], $query);
    }

    /** @param array<string, mixed> $body @return array<string, mixed> */
    public function customersPartialUpdate(int|string $id, array $body = []): array
    {
        return $this->call('customers_partial_update', ['id' => $id], [], $body);
    }

    /** @return array<string, mixed> */
    public function customersRetrieve(int|string $id): array
    {
        return $this->call('customers_retrieve', ['id' => $id]);
    }

    /** @param array<string, mixed> $query start and end dates (YYYY-MM-DD) @return array<string, mixed> */
    public function equipmentAvailabilityRetrieve(int|string $id, array $query = []): array
    {
        return $this->call('equipment_availability_retrieve', ['id' => $id], $query);
    }

    /** @param array<string, mixed> $query @return array<string, mixed> */
    public function equipmentList(array $query = []): array
    {
        return $this->call('equipment_list', [], $query);
    }

    /** @return array<string, mixed> */
    public function equipmentRetrieve(int|string $id): array
    {
        return $this->call('equipment_retrieve', ['id' => $id]);
    }

    /** @return list<array<string, mixed>> */
    public function eventTypesList(): array
    {
        return $this->call('event_types_list');
    }

    /** @param array<string, mixed> $query @return array<string, mixed> */
    public function incomeCategoriesList(array $query = []): array
    {
        return $this->call('income_categories_list', [], $query);
    }

    /** @param array<string, mixed> $query @return array<string, mixed> */
    public function invoicesList(array $query = []): array
    {
        return $this->call('invoices_list', [], $query);
    }

    /** @return array<string, mixed> */
    public function invoicesRetrieve(int|string $id): array
    {
        return $this->call('invoices_retrieve', ['id' => $id]);
    }

    /** @param array<string, mixed> $query @return array<string, mixed> */
    public function paymentsList(array $query = []): array
    {
        return $this->call('payments_list', [], $query);
    }

    /** @return array<string, mixed> */
    public function paymentsRetrieve(int|string $id): array
    {
        return $this->call('payments_retrieve', ['id' => $id]);
    }

    /** @param array<string, mixed> $body @return array<string, mixed> */
    public function projectsCreate(array $body): array
    {
        return $this->call('projects_create', [], [], $body);
    }

    /** @param array<string, mixed> $query @return array<string, mixed> */
    public function projectsList(array $query = []): array
    {
        return $this->call('projects_list', [], $query);
    }

    /** @param array<string, mixed> $body @return array<string, mixed> */
    public function projectsPartialUpdate(int|string $id, array $body = []): array
    {
        return $this->call('projects_partial_update', ['id' => $id], [], $body);
    }

    /** @return array<string, mixed> */
    public function projectsRetrieve(int|string $id): array
    {
        return $this->call('projects_retrieve', ['id' => $id]);
    }

    /** @return array<string, mixed> */
    public function quotesApproveCreate(int|string $id): array
    {
        return $this->call('quotes_approve_create', ['id' => $id]);
    }

    /** @param array<string, mixed> $body @return array<string, mixed> */
    public function quotesCreate(array $body): array
    {
        return $this->call('quotes_create', [], [], $body);
    }

    /** @param array<string, mixed> $query @return array<string, mixed> */
    public function quotesList(array $query = []): array
    {
        return $this->call('quotes_list', [], $query);
    }

    /** @return array<string, mixed> */
    public function quotesRetrieve(int|string $id): array
    {
        return $this->call('quotes_retrieve', ['id' => $id]);
    }

    /** @param array<string, mixed> $query @return array<string, mixed> */
    public function taxCategoriesList(array $query = []): array
    {
        return $this->call('tax_categories_list', [], $query);
    }

    /** @param array<string, mixed> $query @return array<string, mixed> */
    public function webhookEndpointsList(array $query = []): array
    {
        return $this->call('webhook_endpoints_list', [], $query);
    }

    /** @return array<string, mixed> */
    public function webhookEndpointsRetrieve(int|string $id): array
    {
        return $this->call('webhook_endpoints_retrieve', ['id' => $id]);
    }

    // Paging and incremental reads. ----------------------------------------------------

    /**
     * Every record of a paged operation (e.g. 'customers_list'), page after page.
     *
     * @param array<string, mixed> $query
     * @return \Generator<int, array<string, mixed>>
     */
    public function paginate(string $operationId, array $query = []): \Generator
    {
        if (!(self::OPERATIONS[$operationId][2] ?? false)) {
            throw new \InvalidArgumentException("{$operationId} does not answer with pages.");
        }
        $query += ['page_size' => min($this->pageSize, self::MAX_PAGE_SIZE)];
        for ($page = 1; ; $page++) {
            $answer = $this->call($operationId, [], ['page' => $page] + $query);
            yield from $answer['results'];
            if (empty($answer['next'])) {
                return;
            }
        }
    }

    /**
     * Records changed at or after $since, oldest change first, over every page. Keep the
     * last updated_at you handled and pass it next time to read only what changed.
     *
     * @param array<string, mixed> $query
     * @return \Generator<int, array<string, mixed>>
     */
    public function changedSince(string $operationId, \DateTimeInterface|string $since, array $query = []): \Generator
    {
        $query['updated_since'] = $since instanceof \DateTimeInterface
            ? $since->format(\DateTimeInterface::RFC3339_EXTENDED)
            : $since;
        return $this->paginate($operationId, $query);
    }

    // Any operation by its operationId. -------------------------------------------------

    /**
     * @param array<string, int|string> $path
     * @param array<string, mixed> $query
     * @param array<string, mixed>|null $body
     */
    public function call(string $operationId, array $path = [], array $query = [], ?array $body = null): mixed
    {
        if (!isset(self::OPERATIONS[$operationId])) {
            throw new \InvalidArgumentException("Unknown operation {$operationId}: see Client::OPERATIONS.");
        }
        [$method, $template] = self::OPERATIONS[$operationId];
        $url = $this->baseUrl . $this->fillPath($template, $path) . $this->queryString($query);
        for ($attempt = 1; ; $attempt++) {
            [$status, $headers, $text] = $this->send($method, $url, $body);
            if ($status < 400) {
                return $text === '' ? null : json_decode($text, true, 512, JSON_THROW_ON_ERROR);
            }
            $problem = $this->problem($status, $text);
            if ($status !== 429) {
                throw self::exceptionFor($problem, $headers);
            }
            // Retrying is safe even for a POST: Patchbay spends the key's quota before
            // anything else, so a refused call changed nothing.
            $seconds = RetryAfter::seconds($headers, $problem);
            if ($attempt > $this->maxRateLimitRetries || $seconds > $this->maxWaitSeconds) {
                throw new RateLimitedException($problem, $headers, $seconds);
            }
            if ($this->onRateLimited !== null) {
                ($this->onRateLimited)($operationId, $seconds, $attempt);
            }
            ($this->sleep)((float) $seconds);
        }
    }

    /**
     * The typed exception for an error answer (other than 429, which call() decides).
     *
     * @param array<string, mixed> $problem
     * @param array<string, string> $headers
     */
    public static function exceptionFor(array $problem, array $headers = []): ApiException
    {
        $code = preg_match('/#problem-([a-z0-9-]+)$/', (string) ($problem['type'] ?? ''), $m) ? $m[1] : '';
        return match ((int) ($problem['status'] ?? 0)) {
            400 => new ValidationException($problem, $headers),
            401 => match ($code) {
                'expired-api-key' => new KeyExpiredException($problem, $headers),
                'revoked-api-key' => new KeyRevokedException($problem, $headers),
                default => new UnauthorizedException($problem, $headers),
            },
            403 => new ScopeRefusedException($problem, $headers),
            404 => new NotFoundException($problem, $headers),
            409 => new ConflictException($problem, $headers),
            default => new ApiException($problem, $headers),
        };
    }

    /** @param array<string, int|string> $values */
    private function fillPath(string $template, array $values): string
    {
        return (string) preg_replace_callback('/\{(\w+)\}/', static function (array $m) use ($values): string {
            if (!isset($values[$m[1]]) || (string) $values[$m[1]] === '') {
                throw new \InvalidArgumentException("The path parameter {$m[1]} is required.");
            }
            return rawurlencode((string) $values[$m[1]]);
        }, $template);
    }

    /** @param array<string, mixed> $query */
    private function queryString(array $query): string
    {
        $pairs = [];
        foreach ($query as $name => $value) {
            if ($value === null) {
                continue;
            }
            if ($value instanceof \DateTimeInterface) {
                $value = $value->format(\DateTimeInterface::RFC3339_EXTENDED);
            } elseif (is_bool($value)) {
                $value = $value ? 'true' : 'false';
            }
            $pairs[$name] = (string) $value;
        }
        return $pairs === [] ? '' : '?' . http_build_query($pairs, '', '&', PHP_QUERY_RFC3986);
    }

    /**
     * @param array<string, mixed>|null $body
     * @return array{0: int, 1: array<string, string>, 2: string}
     */
    private function send(string $method, string $url, ?array $body): array
    {
        $headers = [];
        $handle = curl_init($url);
        $requestHeaders = [
            'Authorization: Bearer ' . $this->apiKey,
            'Accept: application/json, application/problem+json',
            'User-Agent: patchbay-client-php/' . self::VERSION,
        ];
        $options = [
            CURLOPT_CUSTOMREQUEST => $method,
            CURLOPT_RETURNTRANSFER => true,
            CURLOPT_CONNECTTIMEOUT => 10,
            CURLOPT_TIMEOUT => $this->timeoutSeconds,
            CURLOPT_FOLLOWLOCATION => false,
            CURLOPT_HEADERFUNCTION => static function ($curl, string $line) use (&$headers): int {
                $parts = explode(':', $line, 2);
                if (count($parts) === 2) {
                    $headers[strtolower(trim($parts[0]))] = trim($parts[1]);
                }
                return strlen($line);
            },
        ];
        if ($body !== null) {
            // An empty PHP array would be sent as [], which is not a JSON object.
            $options[CURLOPT_POSTFIELDS] = json_encode($body === [] ? new \stdClass() : $body, JSON_THROW_ON_ERROR | JSON_UNESCAPED_SLASHES);
            $requestHeaders[] = 'Content-Type: application/json';
        }
        $options[CURLOPT_HTTPHEADER] = $requestHeaders;
        curl_setopt_array($handle, $options);
        $this->requests++;
        $text = curl_exec($handle);
        if ($text === false) {
            $error = curl_error($handle);
            curl_close($handle);
            throw new TransportException("{$method} {$url} got no answer: {$error}");
        }
        $status = (int) curl_getinfo($handle, CURLINFO_RESPONSE_CODE);
        curl_close($handle);
        return [$status, $headers, (string) $text];
    }

    /** @return array<string, mixed> the problem body, or one made up when the body is not problem JSON */
    private function problem(int $status, string $text): array
    {
        $decoded = json_decode($text, true);
        if (is_array($decoded) && isset($decoded['status'], $decoded['detail'])) {
            return $decoded;
        }
        return [
            'type' => 'about:blank',
            'title' => 'Error',
            'status' => $status,
            'detail' => $text === '' ? "HTTP {$status}" : substr($text, 0, 500),
        ];
    }
}
