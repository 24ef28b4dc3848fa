<?php

declare(strict_types=1);

// The PHP client's tests: php tests/run.php [--filter=text]
// They call a live Patchbay API named by PATCHBAY_API_URL and the keys in the environment
// (tests/sdks/test_php_client.py starts one and sets them); PATCHBAY_SCHEMA may name the
// OpenAPI schema as JSON, otherwise it is read from the API's /schema/.

if (!extension_loaded('curl')) {
    fwrite(STDERR, "PHP's curl extension is missing: install it (Debian: apt-get install php-curl).\n");
    exit(2);
}

require __DIR__ . '/../src/autoload.php';
require __DIR__ . '/Harness.php';

$harness = new Harness();
require __DIR__ . '/SchemaTest.php';
require __DIR__ . '/LiveTest.php';
require __DIR__ . '/WebhookTest.php';

$options = getopt('', ['filter:']);
exit($harness->run(is_string($options['filter'] ?? null) ? $options['filter'] : ''));
