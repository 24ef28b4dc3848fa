<?php
require __DIR__ . '/patchbay-client-php-1.0.0/src/autoload.php';

use Patchbay\Client\Client;

$patchbay = new Client(
    getenv('PATCHBAY_API_KEY'),
    (getenv('PATCHBAY_URL') ?: 'https://patchbay.example') . '/api/v1',
);

// paginate() is a generator: the next page of 100 is fetched when the loop reaches it.
$read = 0;
foreach ($patchbay->paginate('customers_list') as $customer) {
    $read++;
}
echo "read {$read} customers\n";

// Only what changed: remember the last updated_at handled and start from it next time.
$since = (new DateTimeImmutable('-1 day'))->format(DATE_RFC3339);
$changed = 0;
foreach ($patchbay->changedSince('customers_list', $since) as $customer) {
    $changed++;
    $since = $customer['updated_at']; // oldest change first, so this only moves forward
}
echo "{$changed} changed in the last day; next time ask from {$since}\n";
