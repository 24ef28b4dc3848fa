#!/usr/bin/env bash
# Builds the PHP client's download: build.sh [output folder, default dist/]
#   -> patchbay-client-php-<version>.zip holding patchbay-client-php-<version>/ with
#      composer.json, README.md and src/ (require src/autoload.php, or let Composer load it).
# Every file gets the same time, so the same sources make the same archive.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=$(mkdir -p "${1:-$here/dist}" && cd "${1:-$here/dist}" && pwd)
version=$(php -r 'echo json_decode(file_get_contents($argv[1]), true)["version"];' "$here/composer.json")
name="patchbay-client-php-$version"
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
mkdir "$stage/$name"
cp -R "$here/composer.json" "$here/README.md" "$here/src" "$stage/$name/"
find "$stage/$name" -exec touch -h -d '2026-01-01T00:00:00Z' {} +
rm -f "$out/$name.zip"
(cd "$stage" && find "$name" -print | LC_ALL=C sort | TZ=UTC zip -q -X -D "$out/$name.zip" -@)
echo "$out/$name.zip"
