<?php

declare(strict_types=1);

namespace Patchbay\Client;

/** 401 for a key past its expiry date: make a new key in Integrations > API access. */
class KeyExpiredException extends UnauthorizedException
{
}
