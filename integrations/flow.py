"""Connecting, choosing an organisation, and disconnecting: the OAuth flow's services.

State is single-use, bound to the session, the user and the organisation, and
expires after ten minutes. A failure at any step leaves no connection behind, and tokens
issued to a failed or abandoned attempt are revoked (integrations.discard).
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import asdict, dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from integrations import discard, health, oauth, oidc
from integrations.errors import ProviderError
from integrations.models import AppPassword, Connection, OAuthGrant, OAuthState
from integrations.providers import RemoteOrganisation
from integrations.registry import Integration, get_integration, provider_for, rivals
from integrations.tokens import store_token
from operations.models import LegalEntity
from tenancy.models import Organisation, User
from tenancy.params import parse_id

if TYPE_CHECKING:  # the provider classes are loaded from the registry
    from integrations.providers import OAuthProvider

STATE_LIFETIME = timedelta(minutes=10)
CHOICE_GONE = "This choice has expired or was already made. Start again with Connect."
# An organisation picker left open this long is abandoned: its tokens are revoked.
CHOICE_LIFETIME = timedelta(minutes=10)


class FlowError(Exception):
    """A step of the flow failed; ``message`` says what happened and what to do."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Outcome:
    connection: Connection | None = None
    pending: OAuthState | None = None


def _digest(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def _session_digest(request: HttpRequest) -> str:
    if request.session.session_key is None:
        request.session.save()
    return _digest(str(request.session.session_key))


def callback_uri(request: HttpRequest, slug: str) -> str:
    return request.build_absolute_uri(reverse(f"integrations:callback-{slug}"))


def owner_of(integration: Integration, user: User) -> User | None:
    """Who a new connection of `integration` belongs to: the user connecting it, for an
    integration each user connects for themselves; else the organisation (None)."""
    return user if integration.per_user else None


def blocking_connection(
    organisation: Organisation, integration: Integration, owner: User | None = None
) -> Connection | None:
    """An active connection of another integration in the same exclusive group, among
    the organisation's own or, for a per-user integration, among that user's."""
    return (
        Connection.objects.for_organisation(organisation)
        .filter(provider__in=rivals(integration), state__in=Connection.ACTIVE_STATES)
        .filter(owner=owner)
        .first()
    )


def _refuse_if_blocked(
    organisation: Organisation, integration: Integration, owner: User | None
) -> None:
    rival = blocking_connection(organisation, integration, owner)
    if rival is not None:
        raise FlowError(
            f"{rival.remote_name} is connected through another "
            f"{integration.exclusive_group} platform, and "
            "Patchbay works with one at a time: disconnect it first."
        )


def _entity_for(
    organisation: Organisation, provider: OAuthProvider, legal_entity_id: str | int | None
) -> LegalEntity | None:
    """Which legal entity a new connection is for. A provider that connects one company
    per entity needs one named when the organisation has entities, and one not yet
    connected; anything else connects the organisation as a whole."""
    entities = LegalEntity.objects.for_organisation(organisation)
    if not provider.connects_per_legal_entity or not entities.exists():
        return None
    wanted = parse_id(legal_entity_id)
    entity = entities.filter(pk=wanted).first() if wanted else None
    if entity is None:
        raise FlowError(f"Choose which legal entity this {provider.name} company is for.")
    taken = Connection.objects.filter(
        legal_entity=entity, provider=provider.slug, state__in=Connection.ACTIVE_STATES
    ).first()
    if taken is not None:
        raise FlowError(
            f"{entity.name} already syncs with {taken.remote_name}: disconnect it first."
        )
    return entity


def begin(
    request: HttpRequest,
    integration: Integration,
    user: User,
    organisation: Organisation,
    legal_entity_id: str | int | None = None,
) -> str:
    """Record a fresh state and return the provider's consent URL."""
    _refuse_if_blocked(organisation, integration, owner_of(integration, user))
    provider = provider_for(integration.slug).for_organisation(organisation.pk)
    legal_entity = _entity_for(organisation, provider, legal_entity_id)
    state, verifier = secrets.token_urlsafe(32), secrets.token_urlsafe(64)
    nonce = secrets.token_urlsafe(32) if provider.binds_code_with_nonce else ""
    redirect_uri = callback_uri(request, integration.slug)
    OAuthState.objects.create(
        organisation=organisation,
        provider=integration.slug,
        state_hash=_digest(state),
        session_hash=_session_digest(request),
        user=user,
        code_verifier=verifier,
        nonce=nonce,
        redirect_uri=redirect_uri,
        expires_at=timezone.now() + STATE_LIFETIME,
        legal_entity=legal_entity,
    )
    return oauth.authorization_url(provider, redirect_uri, state, verifier, nonce)


def _claim(
    request: HttpRequest, slug: str, state: str, user: User, organisation: Organisation
) -> OAuthState:
    """Use the state once. Forged, replayed, expired or someone else's: refused."""
    expired = FlowError("This connection attempt has expired or was already used. Start again.")
    with transaction.atomic():
        row = (
            OAuthState.objects.select_for_update().filter(state_hash=_digest(state or "-")).first()
        )
        if row is None or row.provider != slug:
            raise FlowError("This connection attempt is not one Patchbay started. Start again.")
        if row.used_at is not None or row.expires_at <= timezone.now():
            raise expired
        if (
            row.user_id != user.pk
            or row.organisation_id != organisation.pk
            or row.session_hash != _session_digest(request)
        ):
            raise FlowError("This connection attempt belongs to another sign-in. Start again.")
        row.used_at = timezone.now()
        row.save(update_fields=["used_at"])
    return row


def _is_per_user(slug: str) -> bool:
    integration = get_integration(slug)
    return integration is not None and integration.per_user


def _save_grant(row: OAuthState, provider: OAuthProvider, token: oauth.Token) -> OAuthGrant:
    grant, _ = OAuthGrant.objects.get_or_create(
        organisation_id=row.organisation_id,
        owner_id=row.user_id if _is_per_user(row.provider) else None,
        provider=row.provider,
        subject=provider.subject(token),
        defaults={"created_by_id": row.user_id},
    )
    store_token(grant, token)
    grant.status = OAuthGrant.Status.ACTIVE
    grant.save()
    return grant


def _refuse_a_second_organisation(
    grant: OAuthGrant, remote: RemoteOrganisation, legal_entity: LegalEntity | None = None
) -> None:
    active = Connection.objects.filter(
        organisation_id=grant.organisation_id,
        owner_id=grant.owner_id,
        provider=grant.provider,
        state__in=Connection.ACTIVE_STATES,
    )
    if provider_for(grant.provider).connects_per_legal_entity:
        # One company per legal entity, and a company never serves two entities.
        same_company = active.filter(remote_id=remote.remote_id).first()
        if same_company is not None and same_company.legal_entity_id != (
            legal_entity.pk if legal_entity else None
        ):
            raise FlowError(
                f"{remote.name} is already connected for another legal entity: each entity "
                "keeps its own company."
            )
        active = active.filter(legal_entity=legal_entity)
    other = active.exclude(remote_id=remote.remote_id).first()
    if other is not None and grant.owner_id is not None:
        raise FlowError(
            f"You already connected {other.remote_name}. To use {remote.name} instead, "
            f"disconnect {other.remote_name} first from your profile."
        )
    if other is not None:
        raise FlowError(
            f"This organisation already syncs with {other.remote_name}. To switch to "
            f"{remote.name}, disconnect {other.remote_name} first; to repair it, choose it again."
        )


def attach(
    grant: OAuthGrant,
    remote: RemoteOrganisation,
    user: User,
    legal_entity: LegalEntity | None = None,
) -> Connection:
    """Link one remote organisation; a known one keeps its record (reconnect in place)."""
    _refuse_a_second_organisation(grant, remote, legal_entity)
    connection, created = Connection.objects.get_or_create(
        organisation_id=grant.organisation_id,
        owner_id=grant.owner_id,
        provider=grant.provider,
        remote_id=remote.remote_id,
        defaults={"remote_name": remote.name},
    )
    connection.legal_entity = legal_entity
    connection.grant = grant
    connection.remote_name = remote.name
    connection.remote_connection_id = remote.remote_connection_id
    connection.state = Connection.State.CONNECTED
    connection.reason = ""
    connection.failure_count = 0
    connection.retry_at = None
    connection.connected_by = user
    connection.connected_at = timezone.now()
    connection.save()
    kind = health.Kind.CONNECTED if created else health.Kind.RECONNECTED
    health.record(connection, kind, actor=user, message=f"Linked to {remote.name}.")
    return connection


def _redeem(provider: OAuthProvider, row: OAuthState, params: dict[str, Any]) -> oauth.Token:
    code = str(params.get("code", ""))
    try:
        token = oauth.exchange_code(provider, row.redirect_uri, code, row.code_verifier)
    except ProviderError as error:
        raise FlowError(
            f"{provider.name} did not complete the connection: {error.message}. "
            "Nothing was saved; try Connect again."
        ) from error
    return token


def _check_binding(provider: OAuthProvider, row: OAuthState, token: oauth.Token) -> None:
    """Refuse a code that was issued to another authorisation request (providers without
    PKCE: the ID token must carry this attempt's nonce)."""
    if not provider.binds_code_with_nonce:
        return
    try:
        claims = oidc.verified_claims(provider, token, row.nonce)
        provider.confirm_identity(token, claims)
    except oidc.NotThisFlow as error:
        raise FlowError(
            f"This {provider.name} sign-in was started by another connection attempt (another "
            "tab, person or organisation), so nothing was connected. Start again with Connect "
            "here and finish the consent in the same window."
        ) from error
    except ProviderError as error:
        raise FlowError(
            f"{provider.name}'s proof of sign-in could not be trusted ({error.message}), so "
            "nothing was connected. Start again with Connect."
        ) from error


def _remotes(provider: OAuthProvider, token: oauth.Token) -> list[RemoteOrganisation]:
    try:
        remotes = provider.organisations(token)
    except ProviderError as error:
        raise FlowError(
            f"{provider.name} did not complete the connection: {error.message}. "
            "Nothing was saved; try Connect again."
        ) from error
    if not remotes:
        raise FlowError(f"No {provider.name} organisation was chosen, so nothing was connected.")
    return remotes


def _connect_with(
    provider: OAuthProvider,
    row: OAuthState,
    token: oauth.Token,
    params: dict[str, Any],
    user: User,
) -> Outcome:
    token = provider.at_callback(token, params)
    _check_binding(provider, row, token)
    remotes = _remotes(provider, token)
    with transaction.atomic():
        grant = _save_grant(row, provider, token)
        if len(remotes) == 1:
            return Outcome(connection=attach(grant, remotes[0], user, row.legal_entity))
        row.grant = grant
        row.choices = [asdict(remote) for remote in remotes]
        row.save(update_fields=["grant", "choices"])
    return Outcome(pending=row)


def complete(
    request: HttpRequest,
    integration: Integration,
    params: dict[str, Any],
    user: User,
    organisation: Organisation,
) -> Outcome:
    """Finish the provider's redirect: exchange the code, then connect or ask which.
    Tokens of an attempt that fails after the exchange are revoked."""
    row = _claim(request, integration.slug, str(params.get("state", "")), user, organisation)
    if params.get("error"):
        if params["error"] == "access_denied":
            raise FlowError(f"You cancelled at {integration.name}. Nothing was connected.")
        raise FlowError(
            f"{integration.name} refused the connection ({params['error']}). Nothing was connected."
        )
    _refuse_if_blocked(organisation, integration, owner_of(integration, user))
    provider = provider_for(integration.slug).for_organisation(organisation.pk)
    token = _redeem(provider, row, params)
    try:
        return _connect_with(provider, row, token, params, user)
    except FlowError as error:
        discard.tokens_of(row, provider, token, error.message)
        raise
    except Exception as error:
        discard.tokens_of(row, provider, token, f"unexpected {type(error).__name__}")
        raise


def pending_choice(organisation: Organisation, user: User, pk: int) -> OAuthState:
    row = (
        OAuthState.objects.for_organisation(organisation)
        .filter(
            pk=pk,
            user=user,
            grant__isnull=False,
            completed_at__isnull=True,
            discarded_at__isnull=True,
        )
        .first()
    )
    if row is None or row.created_at + CHOICE_LIFETIME <= timezone.now():
        raise FlowError(CHOICE_GONE)
    return row


def choose(row: OAuthState, remote_id: str, user: User) -> Connection:
    remotes = {choice["remote_id"]: RemoteOrganisation(**choice) for choice in row.choices}
    if remote_id not in remotes or row.grant is None:
        raise FlowError("Choose one of the organisations listed.")
    with transaction.atomic():
        # The sweep of abandoned pickers may have revoked the tokens meanwhile.
        locked = OAuthState.objects.select_for_update().get(pk=row.pk)
        if locked.completed_at is not None or locked.discarded_at is not None:
            raise FlowError(CHOICE_GONE)
        locked.completed_at = timezone.now()
        locked.save(update_fields=["completed_at"])
        return attach(row.grant, remotes[remote_id], user, row.legal_entity)


def remove_at_provider(connection: Connection, grant: OAuthGrant, user: User | None) -> list[str]:
    """Worker side of a disconnect: unlink the organisation at the provider and, once no
    other connection uses the grant, revoke it (best effort, recorded). Returns what failed."""
    if grant.status != OAuthGrant.Status.ACTIVE:
        return []
    provider = provider_for(connection.provider).for_organisation(connection.organisation_id)
    connection.grant = grant  # in memory only: the call layer authenticates with it
    problems = []
    # Reconnected before the worker got here: the link now belongs to the new grant, so
    # only the old grant is revoked below.
    if connection.state == Connection.State.DISCONNECTED:
        problems += _leave(connection)
        try:
            provider.remove_remote_connection(connection)
        except ProviderError as error:
            problems.append(error.message)
    still_used = grant.connections.exclude(pk=connection.pk).filter(
        state__in=Connection.ACTIVE_STATES
    )
    if not still_used.exists():
        try:
            provider.revoke(grant.refresh_token)
        except ProviderError as error:
            problems.append(error.message)
        grant.clear_tokens()
        grant.status = OAuthGrant.Status.REVOKED
        grant.save()
    if problems:
        health.record(
            connection,
            health.Kind.REVOKE_FAILED,
            actor=user,
            message=f"{'; '.join(problems)}. Patchbay disconnected on its side; if it still "
            f"appears in {provider.name}'s connected apps, remove it there.",
        )
    return problems


def _leave(connection: Connection) -> list[str]:
    entry = get_integration(connection.provider)
    return entry.leave_at_provider(connection) if entry is not None else []


def forget_password(connection: Connection, password: AppPassword, user: User | None) -> list[str]:
    """Worker side of disconnecting a password-connected account: the kind's last calls
    with it, then the password is deleted whatever they found."""
    connection.app_password = password  # in memory only, for those last calls
    try:
        problems = _leave(connection) if connection.state == Connection.State.DISCONNECTED else []
    finally:
        password.delete()
    if problems:
        health.record(
            connection, health.Kind.REVOKE_FAILED, actor=user, message="; ".join(problems)
        )
    return problems


def disconnect(connection: Connection, user: User) -> None:
    """Disconnect locally at once; a task unlinks and revokes at the provider afterwards
    (integrations.tasks.remove_at_provider), so the request never waits on it."""
    from integrations.tasks import forget_password as forget_task  # tasks import flow
    from integrations.tasks import remove_at_provider as remove_task

    grant_id = connection.grant_id
    connection.refresh_from_db()
    password = connection.app_password
    connection.state = Connection.State.DISCONNECTED
    connection.grant = None
    connection.app_password = None
    connection.reason = ""
    connection.retry_at = None
    connection.save(update_fields=["state", "grant", "app_password", "reason", "retry_at"])
    health.record(connection, health.Kind.DISCONNECTED, actor=user)
    connection_id, actor_id = connection.pk, user.pk
    if grant_id is not None:
        transaction.on_commit(lambda: remove_task.delay(connection_id, grant_id, actor_id))
    if password is not None:  # no longer the connection's; deleted once the worker is done
        password_id = password.pk
        transaction.on_commit(lambda: forget_task.delay(connection_id, password_id, actor_id))
