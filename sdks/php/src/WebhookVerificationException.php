<?php

declare(strict_types=1);

namespace Patchbay\Client;

/** The delivery's signature, timestamp or headers did not check out: answer 400 and drop it. */
final class WebhookVerificationException extends \RuntimeException implements PatchbayException
{
}
