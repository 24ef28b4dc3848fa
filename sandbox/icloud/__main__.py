"""``python -m sandbox.icloud --port 5232 --storage var/icloud``: the iCloud sandbox.

Point Patchbay at it with ICLOUD_CALDAV_URL=http://127.0.0.1:<port>/ and sign in
with an Apple ID and app-specific password given by ``--user`` (default:
crew@icloud.test / abcd-efgh-ijkl-mnop).
"""

from __future__ import annotations

import argparse
import contextlib
import logging
from pathlib import Path

from sandbox.icloud.radicale_setup import DEMO_USERS
from sandbox.icloud.server import ICloudSandbox


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m sandbox.icloud", description=__doc__)
    parser.add_argument("--port", type=int, default=5232)
    parser.add_argument("--storage", type=Path, required=True, help="Radicale's data folder")
    parser.add_argument(
        "--user",
        action="append",
        default=[],
        metavar="APPLE_ID:PASSWORD",
        help="an account (repeatable); default: the demo crew account",
    )
    return parser.parse_args()


def main() -> None:
    arguments = _arguments()
    users = dict(pair.split(":", 1) for pair in arguments.user) or DEMO_USERS
    logging.basicConfig(level=logging.WARNING)
    sandbox = ICloudSandbox(arguments.storage, users, arguments.port)
    print(f"iCloud sandbox (Radicale) on {sandbox.url}", flush=True)
    with contextlib.suppress(KeyboardInterrupt):
        sandbox.serve_forever()


if __name__ == "__main__":
    main()
