"""The plugin's download: the zip built by wordpress_bridge.plugin_zip, as an attachment."""

from __future__ import annotations

import io
import zipfile

from django.urls import reverse

from tests.conftest import Tenants, client_for
from wordpress_bridge import plugin_zip

DOWNLOAD = reverse("wordpress_bridge:download_plugin")


def test_the_download_is_the_plugins_zip_as_an_attachment(tenants: Tenants) -> None:
    response = client_for(tenants.bookkeeper).get(DOWNLOAD)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    filename = plugin_zip.zip_filename()
    assert response["Content-Disposition"] == f'attachment; filename="{filename}"'
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    assert any(name.endswith("patchbay-availability.php") for name in archive.namelist())


def test_crew_cannot_download_the_plugin_from_here(tenants: Tenants) -> None:
    assert client_for(tenants.crew).get(DOWNLOAD).status_code == 403
