"""The agency portal (/agency/): the project's URLconf includes this module at ``agency/``
(namespace ``agency``)."""

from django.urls import path, register_converter

from purchasing import views


class _ExportFormat:
    regex = "csv|xlsx"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(_ExportFormat, "exportformat")

app_name = "agency"

urlpatterns = [
    path("", views.home, name="home"),
    path("register/", views.register, name="register"),
    path("catalog/", views.catalog, name="catalog"),
    path("catalog/vendors/", views.vendor_list, name="vendor_list"),
    path("requests/", views.request_list, name="request_list"),
    path("requests/new/", views.request_create, name="request_create"),
    path("requests/<int:pk>/", views.request_detail, name="request_detail"),
    path("requests/<int:pk>/cancel/", views.request_cancel, name="request_cancel"),
    path("quotes/<int:pk>/accept/", views.quote_accept, name="quote_accept"),
    path("quotes/<int:pk>/reject/", views.quote_reject, name="quote_reject"),
    path("quotes/<int:pk>/quote.pdf", views.quote_document, name="quote_document"),
    path("orders/", views.delivery_list, name="delivery_list"),
    path("orders/<int:pk>/", views.delivery_detail, name="delivery_detail"),
    path("orders/<int:pk>/inspect/", views.delivery_inspect, name="delivery_inspect"),
    path("orders/<int:pk>/cancel/", views.delivery_cancel, name="delivery_cancel"),
    path(
        "orders/<int:pk>/statement.pdf",
        views.delivery_document,
        {"kind": "statement"},
        name="delivery_statement",
    ),
    path(
        "orders/<int:pk>/tax-invoice.pdf",
        views.delivery_document,
        {"kind": "tax_invoice"},
        name="delivery_tax_invoice",
    ),
    path(
        "orders/<int:pk>/tax-invoice.csv",
        views.delivery_document,
        {"kind": "tax_invoice", "fmt": "csv"},
        name="delivery_tax_invoice_csv",
    ),
    path("plan/", views.plan, name="plan"),
    path("report/", views.report, name="report"),
    path("report/<int:year>.<exportformat:fmt>", views.report_export, name="report_export"),
]
