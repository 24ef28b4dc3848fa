<?php

declare(strict_types=1);

namespace Patchbay\Client;

/** 404: no such record in the key's organisation, or no such endpoint. */
class NotFoundException extends ApiException
{
}
