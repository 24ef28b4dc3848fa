<?php

declare(strict_types=1);

namespace Patchbay\Client;

/** 403: the key lacks the scope the operation needs; give the key that scope, or use another key. */
class ScopeRefusedException extends ApiException
{
    public function getRequiredScope(): ?string
    {
        $scope = $this->getProblem()['required_scope'] ?? null;
        return is_string($scope) ? $scope : null;
    }
}
