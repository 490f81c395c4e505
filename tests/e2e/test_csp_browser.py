"""The Content-Security-Policy in a real browser: pages work under it, injected script does not.

Chromium enforces the policy the pages are served with. Every page visited records CSP
violations (``securitypolicyviolation`` events and Chromium's "Refused to …" console errors)
and the test fails on any: the nonce'd inline script of the product list runs (the filter panel
folds on a phone), ``data-autosubmit`` forms and selects submit on change, ``data-confirm``
forms ask first (dismiss keeps the order, accept cancels it). A script injected without the
nonce is refused, which shows the policy is really enforced.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from shop.orders.models import Order
from shop.search.registry import get_backend
from tests.factories import StaffFactory, UserFactory
from tests.factories.orders import place_order, sellable
from tests.purchasing.factories import BuyerFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "pw-12345678"

WATCH_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__cspViolations.push(e.violatedDirective + " " + (e.blockedURI || "inline"));
});
"""


@pytest.fixture
def csp_page(new_page):
    """A page that collects every CSP violation it meets (``page.csp_errors()``)."""
    pages = []

    def _make():
        page = new_page()
        console: list[str] = []
        page.on(
            "console",
            lambda msg: (
                console.append(msg.text)
                if msg.type == "error" and "Content Security Policy" in msg.text
                else None
            ),
        )
        page.add_init_script(WATCH_VIOLATIONS)

        def csp_errors() -> list[str]:
            events = page.evaluate("window.__cspViolations || []")
            return [*events, *console]

        page.csp_errors = csp_errors
        pages.append(page)
        return page

    return _make


def test_product_list_runs_its_nonce_script_and_autosubmits_without_violations(csp_page):
    sellable(name="우리밀 쿠키", price=5_000, stock=10)
    sellable(name="현미 쿠키", price=4_000, stock=0)
    get_backend().rebuild()

    # On a phone the inline (nonce'd) script folds the filter panel.
    phone = csp_page()
    phone.set_viewport_size({"width": 390, "height": 844})
    response = phone.goto("/search/?q=쿠키")
    assert "nonce-" in response.headers["content-security-policy"]
    expect(phone.locator("#sf-filter-panel")).not_to_have_attribute("open", re.compile(".*"))
    assert phone.csp_errors() == []

    # On a desktop it stays open; ticking a filter submits the form (data-autosubmit).
    page = csp_page()
    page.goto("/search/?q=쿠키")
    expect(page.locator("#sf-filter-panel")).to_have_attribute("open", re.compile(".*"))
    page.locator("input[name=in_stock]").check()
    expect(page).to_have_url(re.compile(r"in_stock=1"))
    expect(page.locator("body")).to_contain_text("우리밀 쿠키")
    assert page.csp_errors() == []

    # Script injected without the nonce is refused and reported.
    page.evaluate(
        """() => { const s = document.createElement("script");
                   s.textContent = "window.__injected = true"; document.body.appendChild(s); }"""
    )
    page.wait_for_function("window.__cspViolations.length > 0")
    assert page.evaluate("window.__injected === undefined")
    assert any("script-src" in v for v in page.csp_errors())


def test_confirm_forms_ask_before_cancelling_an_order(csp_page):
    variant = sellable(name="유기농 현미 4kg", price=24_000, stock=5)
    order = place_order([(variant, 1)], user=None)
    page = csp_page()
    page.goto(f"/orders/{order.token}/")
    cancel = page.get_by_role("button", name="주문 전체 취소")

    dialogs: list[str] = []
    page.once("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    cancel.click()
    expect(cancel).to_be_visible()
    assert dialogs == ["주문 전체를 취소할까요? 결제하신 금액은 환불됩니다."]
    order.refresh_from_db()
    assert order.status != "canceled"

    page.once("dialog", lambda d: (dialogs.append(d.message), d.accept()))
    cancel.click()
    expect(page.locator(".messages")).to_be_visible()
    assert len(dialogs) == 2
    assert Order.objects.get(pk=order.pk).status == "canceled"
    assert page.csp_errors() == []


def test_agency_status_select_submits_on_change(csp_page):
    buyer = BuyerFactory(user=UserFactory(email="buyer@csp.go.kr"))
    page = csp_page()
    page.goto("/accounts/login/?next=/agency/requests/")
    page.fill("#id_username", buyer.user.email)
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="로그인").click()
    expect(page).to_have_url(re.compile(r"/agency/requests/"))
    select = page.locator("select[name=status]")
    value = select.locator("option").nth(1).get_attribute("value")
    select.select_option(value)
    expect(page).to_have_url(re.compile(rf"status={value}"))
    assert page.csp_errors() == []


def test_admin_pages_work_under_the_policy(csp_page):
    """Django's admin ships its scripts as files: forms, filters and widgets run unhindered."""
    staff = StaffFactory(email="csp-staff@sehub.kr")
    page = csp_page()
    page.goto("/admin/login/?next=/admin/")
    page.fill("#id_username", staff.email)
    page.fill("#id_password", PASSWORD)
    page.locator("input[type=submit]").click()
    expect(page.locator("#site-name")).to_be_visible()
    for path in [
        "/admin/vendors/organization/",
        "/admin/vendors/organization/add/",
        "/admin/vendors/organization/overview/",
        "/admin/bundles/bundle/add/",
        "/admin/accounts/user/",
    ]:
        response = page.goto(path)
        assert response.status == 200, path
        assert "content-security-policy" in response.headers
    # The admin's own JavaScript ran (the changelist's "select all" checkbox works).
    page.goto("/admin/accounts/user/")
    page.locator("#action-toggle").check()
    expect(page.locator("input.action-select").first).to_be_checked()
    assert page.csp_errors() == []
