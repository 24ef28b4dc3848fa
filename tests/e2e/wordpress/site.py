"""A throwaway real WordPress site with the Patchbay plugin, for end-to-end tests.

Debian's ``wordpress`` package (scripts/ensure_wordpress.sh) serves any number of sites
from one code base: its wp-config.php loads ``/etc/wordpress/config-<name>.php``, where
``<name>`` is ``$_SERVER['WORDPRESS_CONFIG']``. :func:`wordpress_site` writes one such
config for a site of its own (a MariaDB database and user ``pbwp_<hex>``, a wp-content
folder with a two-file theme, the plugin's cache lifetimes), installs WordPress with
install.php, installs the plugin **from the zip bytes it is given** with WordPress's own
upgrader and activates it, saves the Patchbay URL and the website key, publishes one page
per shortcode (setup.php), then serves the site with ``php -S`` and router.php. On exit it
stops the server and removes the config, the database, the user and the folder.

The Patchbay URL and the key are parameters: tests point them at a stand-in that follows
the API contract, and the final test at Patchbay's live server.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator, Mapping
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

import requests

WORDPRESS_DIR = Path("/usr/share/wordpress")
CONFIG_DIR = Path("/etc/wordpress")
PHP_DIR = Path(__file__).parent / "php"
MARIADB = ["mariadb", "--user=root", "--host=127.0.0.1", "--port=3306", "--batch"]
PLUGIN_FILE = "patchbay-availability/patchbay-availability.php"

THEME_STYLE = "/*\nTheme Name: Patchbay E2E Minimal\n*/\nbody { margin: 0 8px; }\n"
# wp_head() and wp_footer() print what the plugin enqueues (its stylesheet, in the
# footer when enqueued while the content renders); the viewport makes 390 px real.
THEME_INDEX = """<!doctype html>
<html <?php language_attributes(); ?>><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><?php wp_head(); ?></head>
<body><main><?php while ( have_posts() ) : the_post(); the_title( '<h1>', '</h1>' );
the_content(); endwhile; ?></main><?php wp_footer(); ?></body></html>
"""


@dataclass(frozen=True)
class WordPressSite:
    url: str
    pages: dict[str, str]  # page name -> its URL
    admin_user: str
    admin_password: str
    work_dir: Path

    @property
    def debug_log(self) -> str:
        path = self.work_dir / "debug.log"
        return path.read_text(errors="replace") if path.exists() else ""

    @property
    def server_log(self) -> str:
        path = self.work_dir / "php-server.log"
        return path.read_text(errors="replace") if path.exists() else ""


def wordpress_missing_reason() -> str | None:
    """Why a real WordPress cannot run here, or None when it can."""
    if shutil.which("php") is None:
        return "PHP is not installed (scripts/ensure_wordpress.sh installs it)."
    if not (WORDPRESS_DIR / "wp-load.php").is_file():
        return "Debian's wordpress package is not installed (scripts/ensure_wordpress.sh)."
    modules = subprocess.run(["php", "-m"], capture_output=True, text=True, check=False).stdout
    if "mysqli" not in modules.split():
        return "PHP's mysqli extension is missing (apt-get install php-mysql)."
    if shutil.which("mariadb") is None:
        return "The MariaDB client is not installed."
    reachable = subprocess.run(
        [*MARIADB, "-e", "SELECT 1"], capture_output=True, text=True, timeout=10, check=False
    )
    if reachable.returncode != 0:
        return f"MariaDB is not reachable as root on 127.0.0.1:3306: {reachable.stderr.strip()}"
    if not os.access(CONFIG_DIR, os.W_OK):
        return f"{CONFIG_DIR} is not writable (the site's config goes there): run as root."
    return None


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def sql(statement: str) -> None:
    result = subprocess.run(
        [*MARIADB, "-e", statement], capture_output=True, text=True, timeout=30, check=False
    )
    if result.returncode != 0:
        raise RuntimeError(f"MariaDB refused {statement!r}: {result.stderr.strip()}")


def php_literal(value: str) -> str:
    """A single-quoted PHP string holding ``value``."""
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


def site_config(
    *,
    name: str,
    db_password: str,
    url: str,
    content_dir: Path,
    cache_ttl: int,
    error_ttl: int,
) -> str:
    defines = {
        "DB_NAME": name,
        "DB_USER": name,
        "DB_PASSWORD": db_password,
        "DB_HOST": "127.0.0.1:3306",  # TCP: MariaDB here matches users by 127.0.0.1
        "WP_HOME": url,
        "WP_SITEURL": url,
        "WP_CONTENT_DIR": str(content_dir),
        "WP_CONTENT_URL": f"{url}/wp-content",
        "WP_DEFAULT_THEME": "pbwp-minimal",  # wp_install() activates it
        "WP_DEBUG_LOG": str(content_dir.parent / "debug.log"),
    }
    lines = ["<?php", "// A throwaway site of the Patchbay plugin's end-to-end tests."]
    lines += [f"define( '{key}', {php_literal(value)} );" for key, value in defines.items()]
    lines += [
        "define( 'DISABLE_WP_CRON', true );",
        "define( 'AUTOMATIC_UPDATER_DISABLED', true );",
        # Only loopback and the site's own host: no call leaves the machine.
        "define( 'WP_HTTP_BLOCK_EXTERNAL', true );",
        "define( 'WP_DEBUG', true );",
        "define( 'WP_DEBUG_DISPLAY', false );",
        f"define( 'PATCHBAY_AV_CACHE_TTL', {int(cache_ttl)} );",
        f"define( 'PATCHBAY_AV_ERROR_TTL', {int(error_ttl)} );",
    ]
    return "\n".join(lines) + "\n"


def run_php(script: str, env: Mapping[str, str], work_dir: Path) -> str:
    result = subprocess.run(
        ["php", str(PHP_DIR / script)],
        env={**os.environ, **env},
        cwd=work_dir,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    if result.returncode != 0:
        raise RuntimeError(f"{script} failed ({result.returncode}):\n{result.stderr}")
    return result.stdout


def wait_until_serving(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    for _ in range(100):
        if process.poll() is not None:
            raise RuntimeError(f"php -S exited:\n{log.read_text(errors='replace')}")
        try:
            if requests.get(url, timeout=2).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"php -S did not answer {url}:\n{log.read_text(errors='replace')}")


def stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=5)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=5)


@contextmanager
def wordpress_site(
    *,
    plugin_zip: bytes,
    patchbay_url: str,
    website_key: str,
    pages: Mapping[str, str],
    cache_ttl: int = 3,
    error_ttl: int = 3,
) -> Iterator[WordPressSite]:
    """A running WordPress with the plugin installed from ``plugin_zip``, configured with
    ``patchbay_url`` and ``website_key``, and one published page per ``pages`` entry
    (name -> post content, e.g. ``[patchbay_availability category="3"]``)."""
    token = secrets.token_hex(4)
    name = f"pbwp_{token}"
    # Debian's wp-config.php takes only [a-zA-Z0-9-] from WORDPRESS_CONFIG.
    config_name = f"pbwp-{token}"
    config_file = CONFIG_DIR / f"config-{config_name}.php"
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    admin_password = secrets.token_urlsafe(12)

    with ExitStack() as cleanup:
        work_dir = Path(tempfile.mkdtemp(prefix=f"{name}-"))
        cleanup.callback(shutil.rmtree, work_dir, ignore_errors=True)
        content_dir = work_dir / "wp-content"
        theme_dir = content_dir / "themes" / "pbwp-minimal"
        theme_dir.mkdir(parents=True)
        (content_dir / "plugins").mkdir()
        (content_dir / "uploads").mkdir()
        (theme_dir / "style.css").write_text(THEME_STYLE)
        (theme_dir / "index.php").write_text(THEME_INDEX)

        db_password = secrets.token_hex(12)
        sql(f"CREATE DATABASE {name} CHARACTER SET utf8mb4")
        cleanup.callback(sql, f"DROP DATABASE IF EXISTS {name}")
        sql(f"CREATE USER '{name}'@'127.0.0.1' IDENTIFIED BY '{db_password}'")
        cleanup.callback(sql, f"DROP USER IF EXISTS '{name}'@'127.0.0.1'")
        sql(f"GRANT ALL ON {name}.* TO '{name}'@'127.0.0.1'")

        config_file.write_text(
            site_config(
                name=name,
                db_password=db_password,
                url=url,
                content_dir=content_dir,
                cache_ttl=cache_ttl,
                error_ttl=error_ttl,
            )
        )
        cleanup.callback(config_file.unlink, missing_ok=True)

        zip_path = work_dir / "patchbay-availability.zip"
        zip_path.write_bytes(plugin_zip)
        env = {
            "WORDPRESS_CONFIG": config_name,
            "PBWP_HOST": f"127.0.0.1:{port}",
            "PBWP_CONTENT_DIR": str(content_dir),
            "PBWP_ADMIN_PASSWORD": admin_password,
        }
        run_php("install.php", env, work_dir)
        setup_env = {
            **env,
            "PBWP_PLUGIN_ZIP": str(zip_path),
            "PBWP_PATCHBAY_URL": patchbay_url,
            "PBWP_WEBSITE_KEY": website_key,
            "PBWP_PAGES": json.dumps(dict(pages)),
        }
        published = json.loads(run_php("setup.php", setup_env, work_dir))

        log = work_dir / "php-server.log"
        with log.open("wb") as log_file:
            server = subprocess.Popen(
                [
                    "php",
                    "-S",
                    f"127.0.0.1:{port}",
                    "-t",
                    str(WORDPRESS_DIR),
                    str(PHP_DIR / "router.php"),
                ],
                env={**os.environ, **env},
                cwd=work_dir,
                stdout=log_file,
                stderr=subprocess.STDOUT,
            )
        cleanup.callback(stop, server)
        wait_until_serving(f"{url}/wp-content/themes/pbwp-minimal/style.css", server, log)

        yield WordPressSite(
            url=url,
            pages=published["pages"],
            admin_user="admin",
            admin_password=admin_password,
            work_dir=work_dir,
        )
