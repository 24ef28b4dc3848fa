"""The sandbox's demo world: two Google accounts, each with its primary calendar."""

from __future__ import annotations

from sandbox.google_calendar.models import GoogleCalendar, GoogleUser

CREW_USER = "crew.member@gmail.test"
OTHER_USER = "someone.else@gmail.test"
USERS = ((CREW_USER, "Casey Crew", "Europe/London"), (OTHER_USER, "Sam Else", "Europe/Berlin"))


def ensure_user(email: str, name: str, time_zone: str = "UTC") -> GoogleUser:
    user, _ = GoogleUser.objects.get_or_create(email=email, defaults={"name": name})
    GoogleCalendar.objects.get_or_create(
        calendar_id=email,
        defaults={
            "user": user,
            "summary": email,
            "time_zone": time_zone,
            "primary": True,
            "etag": '"0"',
        },
    )
    return user


def ensure_demo_world() -> None:
    for email, name, zone in USERS:
        ensure_user(email, name, zone)
