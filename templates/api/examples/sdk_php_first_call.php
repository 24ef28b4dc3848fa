<?php
// curl -O the zip above, unzip it beside this script, then:
require __DIR__ . '/patchbay-client-php-1.0.0/src/autoload.php';

use Patchbay\Client\Client;
use Patchbay\Client\ScopeRefusedException;

$patchbay = new Client(
    getenv('PATCHBAY_API_KEY'), // pbk_…, kept out of the source
    (getenv('PATCHBAY_URL') ?: 'https://patchbay.example') . '/api/v1',
);

$page = $patchbay->customersList(['page_size' => 10]);
echo "{$page['count']} customers; the first: {$page['results'][0]['name']}\n";

try {
    $made = $patchbay->customersCreate(['name' => 'Harbour Lights']);
    echo "created customer {$made['id']}\n";
} catch (ScopeRefusedException $refused) {
    echo 'this key may not create customers: it needs ', $refused->getRequiredScope(), "\n";
}
