<?php

declare(strict_types=1);

// A small test harness (no PHPUnit: the library has no dependencies, nor do its tests).

final class AssertionFailed extends \RuntimeException
{
}

final class Harness
{
    /** @var array<string, callable(): void> */
    private array $tests = [];

    public function test(string $name, callable $body): void
    {
        $this->tests[$name] = $body;
    }

    /** Runs the tests whose name contains $filter; returns the process's exit code. */
    public function run(string $filter = ''): int
    {
        $passed = $failed = 0;
        foreach ($this->tests as $name => $body) {
            if ($filter !== '' && !str_contains($name, $filter)) {
                continue;
            }
            $started = microtime(true);
            try {
                $body();
                $passed++;
                printf("ok - %s (%.2f s)\n", $name, microtime(true) - $started);
            } catch (\Throwable $error) {
                $failed++;
                printf("not ok - %s\n  %s: %s\n  at %s:%d\n", $name, $error::class, $error->getMessage(), $error->getFile(), $error->getLine());
            }
        }
        printf("# pass %d\n# fail %d\n", $passed, $failed);
        return $failed === 0 && $passed > 0 ? 0 : 1;
    }
}

function check(bool $condition, string $message): void
{
    if (!$condition) {
        throw new AssertionFailed($message);
    }
}

function same(mixed $expected, mixed $actual, string $what = 'value'): void
{
    if ($expected !== $actual) {
        throw new AssertionFailed(sprintf('%s: expected %s, got %s', $what, var_export($expected, true), var_export($actual, true)));
    }
}

/**
 * @template T of \Throwable
 * @param class-string<T> $class
 * @return T
 */
function throws(string $class, callable $body): \Throwable
{
    try {
        $body();
    } catch (\Throwable $error) {
        if ($error instanceof $class) {
            return $error;
        }
        throw new AssertionFailed("expected {$class}, got " . $error::class . ': ' . $error->getMessage());
    }
    throw new AssertionFailed("expected {$class}, nothing was thrown");
}

function env(string $name): string
{
    $value = getenv($name);
    if ($value === false || $value === '') {
        throw new AssertionFailed("{$name} is not set: these tests call a live Patchbay API. Run them through pytest tests/sdks/test_php_client.py, which starts one and sets it.");
    }
    return $value;
}
