<?php

declare(strict_types=1);

use Patchbay\Client\ApiException;
use Patchbay\Client\Client;
use Patchbay\Client\KeyExpiredException;
use Patchbay\Client\NotFoundException;
use Patchbay\Client\RateLimitedException;
use Patchbay\Client\ScopeRefusedException;
use Patchbay\Client\UnauthorizedException;
use Patchbay\Client\ValidationException;

// The client against a live Patchbay API (tests/sdks/test_php_client.py starts it).

function client(string $key, array $options = []): Client
{
    return new Client(env($key), env('PATCHBAY_API_URL'), ...$options);
}

$harness->test('paging reads all 250 customers, 100 a page, in three calls', static function (): void {
    // Runs before any test here creates a customer: exactly the seeded 250.
    $client = client('PATCHBAY_API_KEY');
    $ids = [];
    foreach ($client->paginate('customers_list') as $customer) {
        $ids[] = $customer['id'];
    }
    same(250, count($ids), 'customers');
    same(250, count(array_unique($ids)), 'distinct customers');
    same(3, $client->requests, 'requests');
});

$harness->test('paging with a smaller page follows every page', static function (): void {
    $client = client('PATCHBAY_API_KEY', ['pageSize' => 40]);
    $names = [];
    foreach ($client->paginate('customers_list') as $customer) {
        $names[] = $customer['name'];
    }
    same(250, count(array_unique($names)), 'distinct customers');
    same(7, $client->requests, 'requests');
});

$harness->test('a customer is created, updated, and then read back among the changes', static function (): void {
    $client = client('PATCHBAY_API_KEY');
    $created = $client->customersCreate(['name' => 'PHP Staging Ltd', 'email' => 'accounts@php-staging.example']);
    same('PHP Staging Ltd', $created['name'], 'name');
    same('GBP', $created['currency'], 'default currency');
    $updated = $client->customersPartialUpdate($created['id'], ['name' => 'PHP Staging & Rigging Ltd']);
    same($created['id'], $updated['id'], 'id');
    same('PHP Staging & Rigging Ltd', $client->customersRetrieve($created['id'])['name'], 'name read back');
    $changed = [];
    foreach ($client->changedSince('customers_list', $updated['updated_at']) as $customer) {
        $changed[] = $customer['id'];
    }
    same([$created['id']], $changed, 'changed since the update');
    $later = iterator_to_array($client->changedSince('customers_list', new \DateTimeImmutable('+1 hour')));
    same([], $later, 'changed after a future moment');
});

$harness->test('a write with a read-only key is a ScopeRefusedException naming the scope', static function (): void {
    $error = throws(ScopeRefusedException::class, static fn () => client('PATCHBAY_READONLY_KEY')->customersCreate(['name' => 'Refused Ltd']));
    check($error instanceof ApiException, 'a ScopeRefusedException is an ApiException');
    same(403, $error->getStatus(), 'status');
    same('customers:write', $error->getRequiredScope(), 'required scope');
});

$harness->test('an expired key is a KeyExpiredException', static function (): void {
    $error = throws(KeyExpiredException::class, static fn () => client('PATCHBAY_EXPIRED_KEY')->customersList());
    check($error instanceof UnauthorizedException, 'a KeyExpiredException is an UnauthorizedException');
    same(401, $error->getStatus(), 'status');
    check(str_contains($error->getDetail(), 'expired'), $error->getDetail());
});

$harness->test('invalid fields are a ValidationException with each field\'s messages', static function (): void {
    $error = throws(ValidationException::class, static fn () => client('PATCHBAY_API_KEY')->customersCreate(['name' => 'Bad Email Ltd', 'email' => 'not an address']));
    check(array_key_exists('email', $error->getErrors()), json_encode($error->getErrors()));
});

$harness->test('an unknown record is a NotFoundException', static function (): void {
    throws(NotFoundException::class, static fn () => client('PATCHBAY_API_KEY')->customersRetrieve(999999999));
});

$harness->test('a 429 is waited out for as long as the API says, then the call succeeds', static function (): void {
    $impatient = client('PATCHBAY_LOW_LIMIT_KEY', ['maxRateLimitRetries' => 0]);
    for ($i = 0; $i < 3; $i++) {
        $impatient->customersList(['page_size' => 1]);
    }
    $refused = throws(RateLimitedException::class, static fn () => $impatient->customersList());
    check($refused->getRetryAfterSeconds() >= 1, 'Retry-After of at least a second');
    same(['minute'], $refused->getViolatedPolicies(), 'violated policies');

    $waits = [];
    $patient = client('PATCHBAY_LOW_LIMIT_KEY', ['onRateLimited' => static function (string $op, int $seconds) use (&$waits): void {
        $waits[] = $seconds;
    }]);
    $started = microtime(true);
    $page = $patient->customersList(['page_size' => 1]);
    $waited = microtime(true) - $started;
    same(1, count($page['results']), 'records on the page');
    same(1, count($waits), 'waits');
    same(2, $patient->requests, 'requests (the refused one and its retry)');
    check($waited >= $waits[0] - 0.05, "waited {$waited} s of {$waits[0]} s");
});

$harness->test('a wait longer than maxWaitSeconds throws at once rather than sleeping', static function (): void {
    $slept = 0;
    $client = client('PATCHBAY_LOW_LIMIT_KEY', ['maxWaitSeconds' => 0, 'sleep' => static function () use (&$slept): void {
        $slept++;
    }]);
    $outcomes = [];
    for ($i = 0; $i < 5; $i++) {
        try {
            $client->customersList(['page_size' => 1]);
            $outcomes[] = 'ok';
        } catch (RateLimitedException) {
            $outcomes[] = '429';
        }
    }
    check(in_array('429', $outcomes, true), implode(',', $outcomes));
    same(0, $slept, 'sleeps');
});
