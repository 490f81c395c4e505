from __future__ import annotations

from core.errors import DomainError


def current_user(info):
    user = getattr(info.context, "user", None)
    return user if user is not None and user.is_authenticated else None


def require_login(info):
    user = current_user(info)
    if user is None:
        raise DomainError("PERMISSION_DENIED", "로그인이 필요합니다.")
    return user


def require_staff(info):
    user = require_login(info)
    if not user.is_staff:
        raise DomainError("PERMISSION_DENIED", "센터 직원만 할 수 있습니다.")
    return user
