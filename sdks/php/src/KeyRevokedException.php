<?php

declare(strict_types=1);

namespace Patchbay\Client;

/** 401 for a key someone revoked in Integrations > API access. */
class KeyRevokedException extends UnauthorizedException
{
}
