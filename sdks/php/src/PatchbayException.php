<?php

declare(strict_types=1);

namespace Patchbay\Client;

/** Every exception this library throws implements this: catch it to catch them all. */
interface PatchbayException extends \Throwable
{
}
