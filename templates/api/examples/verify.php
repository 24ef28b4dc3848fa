<?php
// PHP 7.4+. $body must be the raw request body: file_get_contents('php://input').
function patchbay_verify_webhook(string $secret, array $headers, string $body): array
{
    $headers = array_change_key_case($headers, CASE_LOWER);
    $id = $headers['webhook-id'] ?? '';
    $timestamp = $headers['webhook-timestamp'] ?? '';
    if ($id === '' || $timestamp === '') {
        throw new RuntimeException('missing webhook headers');
    }
    if (abs(time() - (int) $timestamp) > 300) {
        throw new RuntimeException('timestamp too old or too new');
    }
    $key = base64_decode(preg_replace('/^whsec_/', '', $secret));
    $expected = base64_encode(hash_hmac('sha256', "$id.$timestamp.$body", $key, true));
    // During a secret rotation two signatures arrive, space-separated: accept either.
    foreach (explode(' ', $headers['webhook-signature'] ?? '') as $entry) {
        $parts = explode(',', $entry, 2);
        if (count($parts) === 2 && $parts[0] === 'v1' && hash_equals($expected, $parts[1])) {
            return json_decode($body, true);
        }
    }
    throw new RuntimeException('no matching signature');
}
