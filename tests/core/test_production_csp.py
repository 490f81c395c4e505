"""Content-Security-Policy on the pages (base settings, so every test run has it).

Scripts: same-origin files and inline scripts carrying the request's nonce, never
'unsafe-inline'; the templates hold no inline event handler or ``javascript:`` URL, which the
policy would block in browsers (tests/e2e/test_csp_browser.py runs the pages in Chromium).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.django_db


def directives(header: str) -> dict[str, list[str]]:
    out = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            out[words[0]] = words[1:]
    return out


def test_page_has_a_csp_with_a_fresh_nonce_and_no_unsafe_inline_scripts(client):
    first = client.get("/search/?q=쿠키")
    second = client.get("/search/?q=쿠키")

    assert first.status_code == 200
    policy = directives(first["Content-Security-Policy"])
    script_src = policy["script-src"]
    assert "'unsafe-inline'" not in script_src
    assert "'unsafe-eval'" not in script_src
    assert "'self'" in script_src
    nonces = [s for s in script_src if s.startswith("'nonce-")]
    assert len(nonces) == 1
    nonce = nonces[0][len("'nonce-") : -1]
    # The page's inline script carries exactly that nonce.
    assert f'<script nonce="{nonce}">' in first.content.decode()
    assert policy["default-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["base-uri"] == ["'self'"]

    second_nonce = re.search(r"'nonce-([^']+)'", second["Content-Security-Policy"]).group(1)
    assert second_nonce != nonce


@pytest.mark.parametrize("path", ["/", "/categories/", "/accounts/login/", "/bundles/"])
def test_every_page_is_served_with_the_policy(client, path):
    resp = client.get(path)

    assert resp.status_code == 200
    policy = directives(resp["Content-Security-Policy"])
    assert "'unsafe-inline'" not in policy["script-src"]
    # The shared behaviours are a same-origin file.
    assert '<script src="/static/core/nuri.js" defer></script>' in resp.content.decode()


def template_files():
    roots = [BASE_DIR / "templates", *BASE_DIR.glob("*/templates")]
    return sorted(p for root in roots for p in root.rglob("*.html"))


INLINE_HANDLER = re.compile(r"<[^>]*\son[a-z]+\s*=", re.IGNORECASE)
JS_URL = re.compile(r"""(href|src|action)\s*=\s*["']\s*javascript:""", re.IGNORECASE)
SCRIPT_TAG = re.compile(r"<script\b([^>]*)>", re.IGNORECASE)


def test_templates_use_no_inline_handlers_and_nonce_every_inline_script():
    files = template_files()
    assert len(files) > 50
    problems = []
    for path in files:
        text = path.read_text(encoding="utf-8")
        rel = path.relative_to(BASE_DIR)
        if INLINE_HANDLER.search(text):
            problems.append(f"{rel}: inline event handler")
        if JS_URL.search(text):
            problems.append(f"{rel}: javascript: URL")
        for attrs in SCRIPT_TAG.findall(text):
            executable = "application/json" not in attrs and "application/ld+json" not in attrs
            if executable and "src=" not in attrs and "request.csp_nonce" not in attrs:
                problems.append(f"{rel}: inline <script> without the nonce")
    assert problems == []
