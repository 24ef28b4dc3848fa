"""The client libraries' packages, downloaded from the API docs page (no registry needed).

Only the three files `make sdks` builds are served, each looked up by its exact name
(api.sdk_files), so no other path under the folder can be reached.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.urls import reverse
from django.views.decorators.http import require_GET

from api.problems import CONTENT_TYPE, DOCS, TITLES
from api.sdk_files import LIBRARIES, Library

CONTENT_TYPES = {
    ".whl": "application/zip",  # a wheel is a zip archive
    ".tgz": "application/gzip",
    ".zip": "application/zip",
}


@dataclass(frozen=True)
class Download:
    library: Library
    filename: str
    url: str
    built: bool


def downloads() -> list[Download]:
    """Each library's package: its name, link, and whether `make sdks` has built it."""
    found = []
    for library in LIBRARIES:
        name = library.filename()
        if name is not None:
            url = reverse("api:sdk-download", kwargs={"filename": name})
            found.append(Download(library, name, url, (_folder() / name).is_file()))
    return found


def _folder() -> Path:
    return Path(settings.SDK_DIST_DIR)


def _missing(known: bool) -> JsonResponse:
    detail = (
        "This package has not been built on this server yet: run `make sdks`."
        if known
        else "There is no such client library package: the docs page links each one."
    )
    body = {"type": f"{DOCS}not-found", "title": TITLES[404], "status": 404, "detail": detail}
    return JsonResponse(body, status=404, content_type=CONTENT_TYPE)


@require_GET
def download(request: HttpRequest, filename: str) -> HttpResponseBase:
    known = {item.filename for item in downloads()}
    path = _folder() / filename
    if filename not in known or not path.is_file():
        return _missing(filename in known)
    # The packages are tens of kilobytes: read whole, like the WordPress plugin's zip.
    response = HttpResponse(path.read_bytes(), content_type=CONTENT_TYPES[path.suffix])
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
