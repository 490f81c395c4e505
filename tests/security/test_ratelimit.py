"""Login throttling (django-axes) through the real login page, admin login and ``tokenCreate``.

Policy (``accounts/ratelimit.py``): failures are counted per e-mail *and* client address;
after ``AXES_FAILURE_LIMIT`` (5) failures that pair is refused for ``AXES_COOLOFF_TIME``
(15 minutes) even with the right password — HTTP 429 with a Korean page on the web,
``TOO_MANY_ATTEMPTS`` in GraphQL. Another account from the same address, or the same account
from another address, is not affected. A successful login clears the count.
"""

from __future__ import annotations

import json
from datetime import timedelta
from unittest import mock

import pytest
from axes.models import AccessAttempt
from django.core.management import call_command
from django.utils import timezone

from accounts.models import ApiToken
from tests.factories import StaffFactory, UserFactory

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"
ADMIN_LOGIN = "/admin/login/"
PASSWORD = "pw-12345678"
LOCKED_TEXT = "로그인 시도가 너무 많습니다"
TOKEN = """mutation($email: String!, $password: String!) {
  tokenCreate(email: $email, password: $password) { token errors { field code message } } }"""


def web_login(client, email, password, ip="10.1.1.1", url=LOGIN, **extra):
    return client.post(url, {"username": email, "password": password}, REMOTE_ADDR=ip, **extra)


def token_create(client, email, password, ip="10.1.1.1"):
    resp = client.post(
        "/graphql/",
        data=json.dumps({"query": TOKEN, "variables": {"email": email, "password": password}}),
        content_type="application/json",
        REMOTE_ADDR=ip,
    )
    assert resp.status_code == 200
    return resp.json()["data"]["tokenCreate"]


def signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def later(minutes: int):
    """Let ``minutes`` pass for django-axes (it reads the time of each attempt from here)."""
    return mock.patch(
        "axes.handlers.proxy.now", return_value=timezone.now() + timedelta(minutes=minutes)
    )


def test_web_login_locks_after_five_failures_even_with_the_right_password(client):
    user = UserFactory()
    for _ in range(4):
        resp = web_login(client, user.email, "wrong-password")
        assert resp.status_code == 200
        assert "이메일 또는 비밀번호가 올바르지 않습니다" in resp.content.decode()
    fifth = web_login(client, user.email, "wrong-password")
    assert fifth.status_code == 429
    assert LOCKED_TEXT in fifth.content.decode()
    assert "15분 후에 다시 시도해 주세요" in fifth.content.decode()

    sixth = web_login(client, user.email, PASSWORD)
    assert sixth.status_code == 429
    assert LOCKED_TEXT in sixth.content.decode()
    assert not signed_in(client)
    # Django's generic 403 page is not what people see.
    assert "Forbidden" not in sixth.content.decode()


def test_lockout_ends_after_the_cooloff(client):
    user = UserFactory()
    for _ in range(5):
        web_login(client, user.email, "wrong-password")
    with later(14):
        assert web_login(client, user.email, PASSWORD).status_code == 429
        assert not signed_in(client)
    with later(16):
        resp = web_login(client, user.email, PASSWORD)
    assert resp.status_code == 302
    assert signed_in(client)
    # The successful login cleared the record: the count starts again from zero.
    assert not AccessAttempt.objects.filter(username=user.email).exists()


def test_attempts_while_locked_out_do_not_extend_the_lockout(client):
    user = UserFactory()
    for _ in range(5):
        web_login(client, user.email, "wrong-password")
    with later(10):
        assert web_login(client, user.email, "still-wrong").status_code == 429
    with later(16):
        assert web_login(client, user.email, PASSWORD).status_code == 302


def test_staff_can_unlock_with_the_axes_reset_command(client):
    user = UserFactory()
    for _ in range(5):
        web_login(client, user.email, "wrong-password")
    assert web_login(client, user.email, PASSWORD).status_code == 429
    call_command("axes_reset_username", user.email, stdout=mock.Mock())
    assert web_login(client, user.email, PASSWORD).status_code == 302


def test_a_success_resets_the_count(client):
    user = UserFactory()
    for _ in range(4):
        web_login(client, user.email, "wrong-password")
    assert web_login(client, user.email, PASSWORD).status_code == 302
    client.post("/accounts/logout/")
    for _ in range(4):
        assert web_login(client, user.email, "wrong-password").status_code == 200
    assert web_login(client, user.email, PASSWORD).status_code == 302


def test_lockout_is_per_account_and_address(client):
    victim, neighbour = UserFactory(), UserFactory()
    for _ in range(5):
        web_login(client, victim.email, "wrong-password", ip="10.1.1.1")
    # Another account from the same address signs in.
    assert web_login(client, neighbour.email, PASSWORD, ip="10.1.1.1").status_code == 302
    client.post("/accounts/logout/")
    # The same account from another address signs in (the attacker cannot lock people out).
    assert web_login(client, victim.email, PASSWORD, ip="10.2.2.2").status_code == 302
    client.post("/accounts/logout/")
    # From the attacking address it stays locked.
    assert web_login(client, victim.email, PASSWORD, ip="10.1.1.1").status_code == 429


def test_spoofed_forwarded_for_and_letter_case_do_not_escape_the_counter(client):
    user = UserFactory()
    for i in range(5):
        web_login(
            client,
            user.email.upper() if i % 2 else user.email,
            "wrong-password",
            HTTP_X_FORWARDED_FOR=f"203.0.113.{i}",
        )
    resp = web_login(client, f"  {user.email.upper()} ", PASSWORD, HTTP_X_FORWARDED_FOR="1.2.3.4")
    assert resp.status_code == 429


def test_failures_are_recorded_without_the_password(client):
    user = UserFactory()
    secret = "my-Secret-guess-42"
    for _ in range(3):
        web_login(client, user.email, secret, ip="10.9.9.9")
    attempt = AccessAttempt.objects.get()
    assert attempt.username == user.email
    assert attempt.ip_address == "10.9.9.9"
    assert attempt.failures_since_start == 3
    assert attempt.path_info == LOGIN
    stored = " ".join(str(getattr(attempt, f.attname)) for f in AccessAttempt._meta.concrete_fields)
    assert secret not in stored


def test_token_create_locks_after_five_failures(client):
    user = UserFactory()
    for _ in range(4):
        payload = token_create(client, user.email, "wrong-password")
        assert [e["code"] for e in payload["errors"]] == ["INVALID_CREDENTIALS"]
    payload = token_create(client, user.email, "wrong-password")
    assert [e["code"] for e in payload["errors"]] == ["TOO_MANY_ATTEMPTS"]

    payload = token_create(client, user.email, PASSWORD)
    assert payload["token"] is None
    (error,) = payload["errors"]
    assert error["code"] == "TOO_MANY_ATTEMPTS"
    assert error["field"] == "email"
    assert LOCKED_TEXT in error["message"]
    assert not ApiToken.objects.filter(user=user).exists()
    # The GraphQL request itself is answered normally (the code is in the payload).
    with later(16):
        payload = token_create(client, user.email, PASSWORD)
    assert payload["errors"] == []
    assert payload["token"]


def test_token_create_failures_are_recorded(client):
    user = UserFactory()
    token_create(client, user.email, "guess-1", ip="10.3.3.3")
    token_create(client, user.email, "guess-2", ip="10.3.3.3")
    attempt = AccessAttempt.objects.get()
    assert (attempt.username, attempt.ip_address, attempt.failures_since_start) == (
        user.email,
        "10.3.3.3",
        2,
    )
    assert "guess-1" not in attempt.post_data + attempt.get_data


def test_token_create_lockout_is_per_account_and_address(client):
    victim, neighbour = UserFactory(), UserFactory()
    for _ in range(5):
        token_create(client, victim.email, "wrong-password", ip="10.4.4.4")
    assert token_create(client, neighbour.email, PASSWORD, ip="10.4.4.4")["token"]
    assert token_create(client, victim.email, PASSWORD, ip="10.5.5.5")["token"]
    codes = [
        e["code"] for e in token_create(client, victim.email, PASSWORD, ip="10.4.4.4")["errors"]
    ]
    assert codes == ["TOO_MANY_ATTEMPTS"]


def test_web_and_api_failures_share_one_counter(client):
    user = UserFactory()
    for _ in range(3):
        web_login(client, user.email, "wrong-password")
    for _ in range(2):
        token_create(client, user.email, "wrong-password")
    assert web_login(client, user.email, PASSWORD).status_code == 429


def test_aliases_cannot_brute_force_in_one_request(client):
    user = UserFactory()
    fields = "{ token errors { code } }"
    guesses = " ".join(
        f'g{i}: tokenCreate(email: "{user.email}", password: "guess-{i}") {fields}'
        for i in range(8)
    )
    right = f'ok: tokenCreate(email: "{user.email}", password: "{PASSWORD}") {fields}'
    resp = client.post(
        "/graphql/",
        data=json.dumps({"query": f"mutation {{ {guesses} {right} }}"}),
        content_type="application/json",
        REMOTE_ADDR="10.6.6.6",
    )
    data = resp.json()["data"]
    codes = [data[f"g{i}"]["errors"][0]["code"] for i in range(8)]
    assert codes == ["INVALID_CREDENTIALS"] * 4 + ["TOO_MANY_ATTEMPTS"] * 4
    assert data["ok"] == {"token": None, "errors": [{"code": "TOO_MANY_ATTEMPTS"}]}
    assert not ApiToken.objects.exists()


def test_admin_login_is_throttled_too(client):
    staff = StaffFactory()
    staff.set_password(PASSWORD)
    staff.save()
    for _ in range(5):
        web_login(client, staff.email, "wrong-password", url=ADMIN_LOGIN)
    resp = web_login(client, staff.email, PASSWORD, url=ADMIN_LOGIN)
    assert resp.status_code == 429
    assert LOCKED_TEXT in resp.content.decode()
    assert not signed_in(client)
    assert client.get("/admin/").status_code == 302  # still asked to log in
