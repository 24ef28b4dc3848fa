<?php

declare(strict_types=1);

namespace Patchbay\Client;

/** No answer from the API: the connection failed or timed out (curl's message says which). */
final class TransportException extends \RuntimeException implements PatchbayException
{
}
