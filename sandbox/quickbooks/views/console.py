"""Placeholder, replaced below."""

from django.http import HttpRequest, HttpResponse


def console(request: HttpRequest) -> HttpResponse:
    return HttpResponse("console")
