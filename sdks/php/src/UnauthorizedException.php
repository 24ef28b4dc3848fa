<?php

declare(strict_types=1);

namespace Patchbay\Client;

/** 401: no key, an unknown key, or a revoked or expired one. */
class UnauthorizedException extends ApiException
{
}
