"""Sign-in joins the anonymous cart kept in the web session to the account.

``connect_signals()`` is called once from ``ShopConfig.ready()``; connecting twice is harmless
(a ``dispatch_uid`` keeps one receiver).
"""

from __future__ import annotations

import logging

from django.contrib.auth.signals import user_logged_in

logger = logging.getLogger(__name__)

DISPATCH_UID = "shop.checkout.join_session_checkout_on_login"


def join_session_checkout(sender, request, user, **kwargs) -> None:
    from shop.checkout.services import checkout_join_session_on_login

    if request is None:
        return
    try:
        checkout_join_session_on_login(request=request, user=user)
    except Exception:  # signing in must never fail because of the cart
        logger.exception("could not join the session's checkout to user %s", user.pk)


def connect_signals() -> None:
    user_logged_in.connect(join_session_checkout, dispatch_uid=DISPATCH_UID)
