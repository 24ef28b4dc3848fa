"""ID tokens signed RS256 with a key named by `kid`, the public halves published as a JWK
set (RFC 7517), as OpenID Connect providers do. Clients must pick the key by the token's
`kid`: a ring may hold more than one."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from joserfc import jwt
from joserfc.jwk import RSAKey

from sandbox.core.models import SigningKey

ALGORITHM = "RS256"
KEY_SIZE = 2048


class KeyRing:
    def __init__(self, model: type[SigningKey]) -> None:
        self.model = model

    def _new_key(self) -> SigningKey:
        """A fresh key named by its RFC 7638 thumbprint, so a kid never names two keys (a
        reset sandbox makes clients fetch the JWKS again instead of trusting stale keys)."""
        key = RSAKey.generate_key(KEY_SIZE, private=True)
        pem = key.as_pem(private=True).decode("ascii")
        return self.model._default_manager.create(kid=key.thumbprint()[:32], private_pem=pem)

    def _live(self) -> Any:
        return self.model._default_manager.filter(retired_at__isnull=True)

    def current(self) -> SigningKey:
        """The newest live key, made on first use. Two processes racing make two keys:
        both are published, and either verifies what it signed."""
        key: SigningKey | None = self._live().first()
        return key or self._new_key()

    def rotate(self) -> SigningKey:
        """Start signing with a new key; the previous ones stay in the JWKS."""
        self.current()
        return self._new_key()

    def retire_all_but_current(self) -> None:
        keep = self.current()
        self._live().exclude(pk=keep.pk).update(retired_at=timezone.now())

    def sign(self, claims: dict[str, Any]) -> str:
        key = self.current()
        header = {"alg": ALGORITHM, "kid": key.kid}
        private = RSAKey.import_key(key.private_pem)
        return jwt.encode(header, claims, private, algorithms=[ALGORITHM])

    def jwk_set(self) -> dict[str, list[dict[str, Any]]]:
        self.current()
        keys = []
        for row in self._live():
            public = RSAKey.import_key(row.private_pem).as_dict(private=False)
            keys.append({**public, "kid": row.kid, "use": "sig", "alg": ALGORITHM})
        return {"keys": keys}
