#!/usr/bin/env bash
# The WordPress plugin's tests run Debian's PHP (php -l, the plugin's unit tests) and a
# real WordPress (Debian's `wordpress` package served by `php -S`, on MariaDB). Install
# them when missing and this user may (root with apt-get); otherwise say how.
# `wordpress` depends on apache2, which comes along but stays stopped where a
# policy-rc.d forbids starting services; the tests never use it.
set -euo pipefail
if command -v php >/dev/null 2>&1 && command -v unzip >/dev/null 2>&1 \
  && [ -f /usr/share/wordpress/wp-load.php ] && php -m 2>/dev/null | grep -qx mysqli; then
  exit 0
fi
packages=(wordpress php-cli php-mysql zip unzip)
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing Debian's WordPress and PHP for the plugin's tests…"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null
  exit 0
fi
echo "PHP or WordPress is not installed: the WordPress plugin's tests will be skipped." >&2
echo "Install them with: sudo apt-get install --no-install-recommends ${packages[*]}" >&2
