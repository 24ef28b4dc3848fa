<?php

declare(strict_types=1);

// For projects without Composer: require this file, then use Patchbay\Client\Client.
spl_autoload_register(static function (string $class): void {
    $prefix = 'Patchbay\\Client\\';
    if (strncmp($class, $prefix, strlen($prefix)) !== 0) {
        return;
    }
    $file = __DIR__ . '/' . str_replace('\\', '/', substr($class, strlen($prefix))) . '.php';
    if (is_file($file)) {
        require $file;
    }
});
