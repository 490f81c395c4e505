from __future__ import annotations

import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import authenticate
from django.db import transaction
from django.utils import timezone

from accounts import ratelimit
from accounts.models import ApiToken, User, hash_token
from core.errors import DomainError

TOKEN_PREFIX = "nuri_"


def token_create(*, email: str, password: str, request=None) -> tuple[str, User]:
    """Check the credentials and issue a bearer token (returned once, stored hashed).

    ``request`` is required: django-axes counts the failures per e-mail and client address
    (``accounts.ratelimit``) and refuses a locked-out pair with ``TOO_MANY_ATTEMPTS`` even when
    the password is right. Not atomic on purpose: the failure record axes writes must survive
    the error this raises (callers must not roll it back either; see ``TokenCreate``).
    """
    if request is None:
        raise ValueError("token_create needs the request (login throttling counts per client)")
    # One flag per attempt: several attempts in one request (aliases) are judged one by one.
    request.axes_locked_out = False
    user = authenticate(request, email=(email or "").strip().lower(), password=password)
    if user is None and getattr(request, "axes_locked_out", False):
        setattr(request, ratelimit.REPORTED_ATTR, True)
        raise DomainError("TOO_MANY_ATTEMPTS", ratelimit.lockout_message(), "email")
    if user is None or not user.is_active:
        raise DomainError(
            "INVALID_CREDENTIALS", "이메일 또는 비밀번호가 올바르지 않습니다.", "email"
        )
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    ApiToken.objects.create(
        user=user,
        key_hash=hash_token(raw),
        expires_at=timezone.now() + timedelta(seconds=settings.API_TOKEN_TTL_SECONDS),
    )
    return raw, user


def user_for_token(raw: str) -> User | None:
    token = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=hash_token(raw), expires_at__gt=timezone.now())
        .first()
    )
    if token is None or not token.user.is_active:
        return None
    return token.user


def token_revoke(*, raw: str) -> bool:
    deleted, _ = ApiToken.objects.filter(key_hash=hash_token(raw)).delete()
    return bool(deleted)


@transaction.atomic
def user_signup(*, email: str, password: str, name: str = "", phone: str = "") -> User:
    email = (email or "").strip().lower()
    if User.objects.filter(email=email).exists():
        raise DomainError("UNIQUE", "이미 가입된 이메일입니다.", "email")
    return User.objects.create_user(email=email, password=password, name=name, phone=phone)
