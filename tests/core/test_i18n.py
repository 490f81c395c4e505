"""Korean first, English second: the language switch changes the UI."""

import pytest

pytestmark = pytest.mark.django_db


def test_korean_is_the_default(client):
    html = client.get("/").content.decode()
    assert 'lang="ko' in html
    assert "로그인" in html
    assert "상품 검색" in html


def test_switching_to_english(client):
    resp = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert resp.status_code == 302
    html = client.get("/").content.decode()
    assert 'lang="en"' in html
    assert "Log in" in html
    assert "Search products" in html
    assert "로그인" not in html
    # and back to Korean
    client.post("/i18n/setlang/", {"language": "ko", "next": "/"})
    assert "로그인" in client.get("/").content.decode()


def test_an_english_browser_still_gets_korean_until_it_switches(client):
    html = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert "로그인" in html
