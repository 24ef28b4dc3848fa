<?php

declare(strict_types=1);

namespace Patchbay\Client;

/** 409: the record's state does not allow this (e.g. approving an approved quote). */
class ConflictException extends ApiException
{
}
