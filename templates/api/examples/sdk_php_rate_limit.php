<?php
require __DIR__ . '/patchbay-client-php-1.0.0/src/autoload.php';

use Patchbay\Client\Client;
use Patchbay\Client\RateLimitedException;

// A 429 is sent again after the wait the server names, up to 3 times, none over 120 s.
$patchbay = new Client(
    getenv('PATCHBAY_API_KEY'),
    (getenv('PATCHBAY_URL') ?: 'https://patchbay.example') . '/api/v1',
    maxRateLimitRetries: 3,
    maxWaitSeconds: 120,
    onRateLimited: static function (string $operation, int $seconds): void {
        echo "429 on {$operation}: waiting {$seconds} s as the server asks\n";
    },
);

try {
    for ($n = 0; $n < (int) (getenv('CALLS') ?: 5); $n++) {
        $patchbay->customersList(['page_size' => 1]);
    }
    echo "every call answered\n";
} catch (RateLimitedException $limited) {
    echo 'still limited: try again in ', $limited->getRetryAfterSeconds(), " s\n";
}
