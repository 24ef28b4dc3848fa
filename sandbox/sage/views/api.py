"""The endpoints that are about the user rather than one business's books:
/businesses, /businesses/{key}, /user, and /currencies (the same for every business)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET

from sandbox.sage import errors
from sandbox.sage.accounting import reference
from sandbox.sage.api import Caller, serve


@csrf_exempt  # Bearer-authenticated API, no cookies involved
@require_GET
def businesses(request: HttpRequest) -> HttpResponse:
    """The user's businesses as a plain array, as the Swagger's User/Business section
    declares (whether Sage wraps it in `$items` is unconfirmed: clients accept both)."""

    def answer(caller: Caller) -> HttpResponse:
        rows = caller.token.grant.user.businesses.order_by("name")
        return JsonResponse([reference.business(row) for row in rows], safe=False)

    return serve(request, answer, business_scoped=False)


@csrf_exempt  # as above
@require_GET
def business(request: HttpRequest, key: str) -> HttpResponse:
    """One business; `lead` names the user's lead business."""

    def answer(caller: Caller) -> HttpResponse:
        user = caller.token.grant.user
        found = user.lead_business if key == "lead" else user.businesses.filter(guid=key).first()
        if found is None:
            return errors.not_found()
        return JsonResponse(reference.business(found))

    return serve(request, answer, business_scoped=False)


@csrf_exempt  # as above
@require_GET
def user(request: HttpRequest) -> HttpResponse:
    def answer(caller: Caller) -> HttpResponse:
        return JsonResponse(reference.user(caller.token.grant.user))

    return serve(request, answer, business_scoped=False)


@csrf_exempt  # as above
@require_GET
def currencies(request: HttpRequest) -> HttpResponse:
    def answer(caller: Caller) -> HttpResponse:
        items = [reference.currency(code) for code in reference.CURRENCIES]
        return JsonResponse(
            {
                "$total": len(items),
                "$page": 1,
                "$next": None,
                "$back": None,
                "$itemsPerPage": 20,
                "$items": items,
            }
        )

    return serve(request, answer)
