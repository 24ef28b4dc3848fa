"""Run as a process: create N customers in organisation ORG, each in its own transaction.

Used by the reliability test as "the web process": each change writes its event and
deliveries to the outbox and sends the wake-up to the broker after commit.
"""

from __future__ import annotations

import sys

import django


def main(organisation_id: int, count: int) -> None:
    django.setup()
    from operations import services
    from tenancy.models import Organisation

    organisation = Organisation.objects.get(pk=organisation_id)
    for index in range(count):
        services.create_customer(organisation, name=f"Reliability customer {index}")


if __name__ == "__main__":
    main(int(sys.argv[1]), int(sys.argv[2]))
