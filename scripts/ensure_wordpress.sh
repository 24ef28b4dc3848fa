#!/usr/bin/env bash
# The WordPress plugin's tests run Debian's PHP (php -l, the plugin's unit tests) and a
# real WordPress (Debian's `wordpress` package served by `php -S`, on MariaDB at
# 127.0.0.1:3306, root without a password); the PHP client library's tests (sdks/php)
# need PHP's curl extension. Install what is missing and start a stopped MariaDB when
# this user may (root with apt-get); otherwise say how. Without them the tests skip,
# unless REQUIRE_WORDPRESS=1 (CI), where they fail.
# `wordpress` depends on apache2, which comes along but stays stopped where a
# policy-rc.d forbids starting services; the tests never use it.
set -euo pipefail
packages=(wordpress php-cli php-mysql php-curl zip unzip)
can_install() { [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; }

installed() {
  command -v php >/dev/null 2>&1 && command -v unzip >/dev/null 2>&1 \
    && [ -f /usr/share/wordpress/wp-load.php ] || return 1
  local modules
  modules=$(php -m 2>/dev/null)  # not piped into grep -q: pipefail would see php's SIGPIPE
  grep -qx mysqli <<<"$modules" && grep -qx curl <<<"$modules"
}
if ! installed; then
  if can_install; then
    echo "Installing Debian's WordPress and PHP for the plugin's tests…"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null
  else
    echo "PHP or WordPress is not installed: the WordPress plugin's tests will be skipped." >&2
    echo "Install them with: sudo apt-get install --no-install-recommends ${packages[*]}" >&2
    exit 0
  fi
fi

mariadb_up() { mariadb --user=root --host=127.0.0.1 --port=3306 -e 'SELECT 1' >/dev/null 2>&1; }
if ! mariadb_up; then
  if [ -x /usr/sbin/mariadbd ] && [ "$(id -u)" = "0" ]; then
    echo "Starting MariaDB for the real-WordPress tests…"
    start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd
    for _ in $(seq 60); do mariadb_up && exit 0; sleep 0.5; done
  fi
  echo "MariaDB is not answering on 127.0.0.1:3306 (root, no password): the real-WordPress tests will be skipped." >&2
fi
