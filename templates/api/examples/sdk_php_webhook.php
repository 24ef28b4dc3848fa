<?php
require __DIR__ . '/patchbay-client-php-1.0.0/src/autoload.php';

use Patchbay\Client\Webhook;
use Patchbay\Client\WebhookVerificationException;

$webhook = new Webhook(getenv('PATCHBAY_WEBHOOK_SECRET')); // whsec_…, from the endpoint's page

/**
 * Give it the request's headers and its body exactly as received, e.g.
 * receive(getallheaders(), file_get_contents('php://input')).
 *
 * @return array{int, string} the status to answer and why
 */
function receive(Webhook $webhook, array $headers, string $rawBody): array
{
    try {
        $event = $webhook->verify($rawBody, $headers);
    } catch (WebhookVerificationException $refused) {
        return [400, 'refused: ' . $refused->getMessage()];
    }
    // webhook-id stays the same on every retry: skip ids you have handled already.
    echo "{$event['type']}: ", json_encode($event['data']), "\n";
    return [204, ''];
}
