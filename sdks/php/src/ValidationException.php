<?php

declare(strict_types=1);

namespace Patchbay\Client;

/** 400: the request's fields or JSON were not accepted. */
class ValidationException extends ApiException
{
    /** @return array<string, list<string>> each refused field's messages, e.g. ['email' => ['Enter a valid email address.']] */
    public function getErrors(): array
    {
        $errors = $this->getProblem()['errors'] ?? [];
        return is_array($errors) ? $errors : [];
    }
}
