"""`python -m sandbox.icloud`, as `make run` will start it: a separate process."""

import signal
import subprocess
import sys

from calendars.providers.icloud import discovery
from calendars.providers.icloud.transport import Credentials, Transport
from sandbox.icloud.radicale_setup import DEMO_USERS


def test_the_entry_point_serves_the_demo_account_until_interrupted(tmp_path, settings):
    process = subprocess.Popen(
        [sys.executable, "-m", "sandbox.icloud", "--port", "0", "--storage", str(tmp_path)],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    try:
        banner = process.stdout.readline()  # printed once the socket listens
        url = banner.rsplit(" ", 1)[-1].strip()
        settings.ICLOUD_CALDAV_URL = url
        ((apple_id, password),) = DEMO_USERS.items()
        transport = Transport(Credentials(apple_id, password))

        home = discovery.discover(transport)
        calendar = discovery.make_calendar(transport, home)

        assert url.startswith("http://127.0.0.1:")
        assert calendar.url.endswith("/patchbay/")
        assert (tmp_path / "collections" / "collection-root" / apple_id / "patchbay").is_dir()
    finally:
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=30) == 0
