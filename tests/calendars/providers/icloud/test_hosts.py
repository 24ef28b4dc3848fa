import pytest
import responses

from calendars.providers.icloud.errors import UnsafeServerUrl
from calendars.providers.icloud.hosts import DEFAULT_SERVER_URL, HostPolicy, server_url
from calendars.providers.icloud.transport import Credentials, Transport

ICLOUD = HostPolicy.for_server("https://caldav.icloud.com/")
LOCAL = HostPolicy.for_server("http://127.0.0.1:5232/")


def test_production_defaults_to_icloud(settings):
    del settings.ICLOUD_CALDAV_URL
    assert server_url() == DEFAULT_SERVER_URL == "https://caldav.icloud.com/"


@pytest.mark.parametrize(
    "url",
    [
        "https://caldav.icloud.com/.well-known/caldav",
        "https://p42-caldav.icloud.com/123456/calendars/",
        "https://P07-CALDAV.icloud.com./123/principal/",
    ],
)
def test_icloud_and_its_partition_hosts_are_allowed(url):
    assert ICLOUD.check(url) == url


@pytest.mark.parametrize(
    "url",
    [
        "http://p42-caldav.icloud.com/",  # downgraded to plain http
        "https://p42-caldav.icloud.com:8443/",  # another port
        "https://evil.example/",
        "https://icloud.com.evil.example/",
        "https://evilicloud.com/",
        "https://caldav.icloud.com@evil.example/",
        "https://user:pw@caldav.icloud.com/",
        "https://169.254.169.254/latest/meta-data/",
        "https://127.0.0.1/",
        "file:///etc/passwd",
        "https://caldav.icloud.com/\r\nHost: evil",
        "https://[::1/",
    ],
)
def test_other_hosts_schemes_and_malformed_urls_are_refused(url):
    with pytest.raises(UnsafeServerUrl):
        ICLOUD.check(url)


def test_a_local_sandbox_allows_its_loopback_names_on_its_port_only():
    assert LOCAL.check("http://localhost:5232/p42-caldav/x/")
    assert LOCAL.check("http://[::1]:5232/")
    for url in ("http://localhost:5233/", "http://10.0.0.1:5232/", "https://127.0.0.1:5232/"):
        with pytest.raises(UnsafeServerUrl):
            LOCAL.check(url)


def test_plain_http_is_refused_for_a_server_that_is_not_on_this_machine():
    with pytest.raises(UnsafeServerUrl, match="https"):
        HostPolicy.for_server("http://caldav.icloud.com/")


@responses.activate
def test_a_redirect_off_the_allowed_hosts_is_never_followed():
    responses.add(
        "PROPFIND",
        "https://caldav.icloud.com/.well-known/caldav",
        status=301,
        headers={"Location": "http://169.254.169.254/latest/"},
    )
    transport = Transport(Credentials("a@icloud.test", "pw"), server="https://caldav.icloud.com/")
    with pytest.raises(UnsafeServerUrl):
        transport.follow("PROPFIND", "https://caldav.icloud.com/.well-known/caldav")
    assert len(responses.calls) == 1
