"""Organisations (tenants), users who sign in by e-mail, and their memberships."""

from __future__ import annotations

from typing import Any, ClassVar, Self, TypeVar
from zoneinfo import available_timezones

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.utils import timezone as django_timezone

from tenancy.roles import Capability, Role, role_has

TIMEZONE_CHOICES = [(name, name) for name in sorted(available_timezones())]


class Organisation(models.Model):
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=80, unique=True)
    timezone = models.CharField(max_length=64, choices=TIMEZONE_CHOICES, default="Europe/London")
    currency = models.CharField(max_length=3, default="GBP", help_text="ISO 4217 code")
    sync_interval_minutes = models.PositiveIntegerField(
        default=15, help_text="How often connected accounting platforms sync"
    )
    created_at = models.DateTimeField(default=django_timezone.now)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def get_by_natural_key(self, username: str | None) -> User:
        # Sign-in is case-insensitive on the e-mail address.
        return self.get(email__iexact=username)

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        if not email:
            raise ValueError("Users need an e-mail address.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    email = models.EmailField(unique=True)
    full_name = models.CharField(max_length=200, blank=True)
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(
        default=False, help_text="Platform staff: may use the Django admin."
    )
    date_joined = models.DateTimeField(default=django_timezone.now)

    objects: ClassVar[UserManager] = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    class Meta:
        ordering = ["email"]

    def __str__(self) -> str:
        return self.full_name or self.email

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.email = self.email.lower()
        super().save(*args, **kwargs)

    @property
    def display_name(self) -> str:
        return self.full_name or self.email


class Membership(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=32, choices=Role.choices)
    created_at = models.DateTimeField(default=django_timezone.now)

    class Meta:
        ordering = ["organisation__name"]
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation"], name="one_role_per_org")
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.organisation} ({self.get_role_display()})"

    def can(self, capability: Capability) -> bool:
        return role_has(self.role, capability)


_T = TypeVar("_T", bound="TenantModel")


class TenantQuerySet(models.QuerySet[_T]):
    def for_organisation(self, organisation: Organisation) -> Self:
        return self.filter(organisation=organisation)


class TenantModel(models.Model):
    """Base of every tenant-owned model: the row carries its organisation.

    Views reach rows through ``Model.objects.for_organisation(org)`` (or the
    ``tenancy.scoping`` helpers), never through an unscoped lookup.
    """

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")

    objects = TenantQuerySet.as_manager()

    class Meta:
        abstract = True
