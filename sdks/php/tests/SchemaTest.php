<?php

declare(strict_types=1);

use Patchbay\Client\Client;

// The library follows the OpenAPI schema: every operation has its entry and its method,
// with the parameters the schema gives it, and nothing the schema lacks.

/** @return array<string, mixed> the schema from PATCHBAY_SCHEMA (a JSON file) or the live API */
function load_schema(): array
{
    $file = getenv('PATCHBAY_SCHEMA');
    if ($file !== false && $file !== '') {
        $text = file_get_contents($file);
    } else {
        $handle = curl_init(rtrim(env('PATCHBAY_API_URL'), '/') . '/schema/');
        curl_setopt_array($handle, [CURLOPT_RETURNTRANSFER => true, CURLOPT_HTTPHEADER => ['Accept: application/json']]);
        $text = curl_exec($handle);
        curl_close($handle);
    }
    check(is_string($text), 'the schema could not be read');
    return json_decode($text, true, 512, JSON_THROW_ON_ERROR);
}

function method_name(string $operationId): string
{
    return lcfirst(str_replace('_', '', ucwords($operationId, '_')));
}

/** @return array<string, array{method: string, path: string, spec: array<string, mixed>}> */
function schema_operations(array $schema): array
{
    $operations = [];
    foreach ($schema['paths'] as $path => $item) {
        foreach (['get', 'post', 'put', 'patch', 'delete'] as $method) {
            if (isset($item[$method])) {
                $spec = $item[$method];
                check(str_starts_with($path, '/api/v1/'), "{$path} is outside /api/v1/");
                $operations[$spec['operationId']] = [
                    'method' => strtoupper($method),
                    'path' => substr($path, strlen('/api/v1')),
                    'spec' => $spec,
                ];
            }
        }
    }
    return $operations;
}

function is_paged(array $schema, array $spec): bool
{
    $answer = $spec['responses']['200']['content']['application/json']['schema'] ?? [];
    if (isset($answer['$ref'])) {
        $answer = $schema['components']['schemas'][substr($answer['$ref'], strlen('#/components/schemas/'))];
    }
    return isset($answer['properties']['results'], $answer['properties']['next']);
}

/** @return list<string> how the client differs from the schema (empty: in step) */
function schema_differences(array $schema): array
{
    $problems = [];
    $operations = schema_operations($schema);
    foreach ($operations as $id => $operation) {
        $entry = Client::OPERATIONS[$id] ?? null;
        if ($entry === null) {
            $problems[] = "{$id} ({$operation['method']} {$operation['path']}) has no entry in Client::OPERATIONS";
            continue;
        }
        $expected = [$operation['method'], $operation['path'], is_paged($schema, $operation['spec'])];
        if ($entry !== $expected) {
            $problems[] = "{$id}: Client::OPERATIONS has " . json_encode($entry) . ', the schema ' . json_encode($expected);
        }
        $problems = [...$problems, ...method_differences($id, $operation['spec'])];
    }
    foreach (array_diff(array_keys(Client::OPERATIONS), array_keys($operations)) as $extra) {
        $problems[] = "{$extra} is in Client::OPERATIONS but not in the schema";
    }
    return $problems;
}

/** @return list<string> */
function method_differences(string $id, array $spec): array
{
    $name = method_name($id);
    if (!method_exists(Client::class, $name)) {
        return ["{$id} has no method Client::{$name}()"];
    }
    $parameters = [];
    foreach ((new \ReflectionMethod(Client::class, $name))->getParameters() as $parameter) {
        $parameters[$parameter->getName()] = $parameter;
    }
    $wanted = [];
    foreach ($spec['parameters'] ?? [] as $parameter) {
        $wanted[$parameter['in'] === 'path' ? $parameter['name'] : 'query'] = $parameter['in'] === 'path';
    }
    if (isset($spec['requestBody'])) {
        $wanted['body'] = (bool) ($spec['requestBody']['required'] ?? false);
    }
    $problems = [];
    foreach ($wanted as $parameter => $required) {
        if (!isset($parameters[$parameter])) {
            $problems[] = "Client::{$name}() lacks the \${$parameter} parameter";
        } elseif ($parameters[$parameter]->isOptional() === $required) {
            $problems[] = "Client::{$name}(): \${$parameter} should be " . ($required ? 'required' : 'optional');
        }
    }
    foreach (array_diff(array_keys($parameters), array_keys($wanted)) as $extra) {
        $problems[] = "Client::{$name}() has \${$extra}, which the schema does not give {$id}";
    }
    return $problems;
}

$harness->test('every schema operation has its entry and method, with the schema\'s parameters', static function (): void {
    $differences = schema_differences(load_schema());
    check($differences === [], "the client is out of step with the schema:\n  - " . implode("\n  - ", $differences));
});

$harness->test('the comparison notices an operation the client lacks', static function (): void {
    $schema = load_schema();
    $schema['paths']['/api/v1/customers/{id}/']['delete'] = ['operationId' => 'customers_destroy', 'parameters' => [['name' => 'id', 'in' => 'path', 'required' => true]], 'responses' => []];
    $differences = schema_differences($schema);
    check(in_array('customers_destroy (DELETE /customers/{id}/) has no entry in Client::OPERATIONS', $differences, true), implode("\n", $differences));
});
