"""Quote pages of the vendor dashboard (``/vendor/<slug>/quotes/...``).

Included into ``shop.dashboard.urls`` (namespace ``dashboard``) with
``urlpatterns += purchasing.vendor_urls.urlpatterns``; every name starts with ``quotes_``.
"""

from django.urls import path

from purchasing import vendor_views

urlpatterns = [
    path("<str:vendor_slug>/quotes/", vendor_views.quote_list, name="quotes_list"),
    path(
        "<str:vendor_slug>/quotes/requests/<int:pk>/",
        vendor_views.quote_request,
        name="quotes_request",
    ),
    path(
        "<str:vendor_slug>/quotes/requests/<int:pk>/withdraw/",
        vendor_views.quote_withdraw,
        name="quotes_withdraw",
    ),
    path(
        "<str:vendor_slug>/quotes/requests/<int:pk>/quote.pdf",
        vendor_views.quote_document,
        name="quotes_document",
    ),
    path(
        "<str:vendor_slug>/quotes/orders/<int:pk>/",
        vendor_views.delivery_detail,
        name="quotes_delivery",
    ),
    path(
        "<str:vendor_slug>/quotes/orders/<int:pk>/deliver/",
        vendor_views.delivery_complete,
        name="quotes_deliver",
    ),
    path(
        "<str:vendor_slug>/quotes/orders/<int:pk>/payment/",
        vendor_views.delivery_payment,
        name="quotes_payment",
    ),
    path(
        "<str:vendor_slug>/quotes/orders/<int:pk>/statement.pdf",
        vendor_views.delivery_document,
        {"kind": "statement"},
        name="quotes_statement",
    ),
    path(
        "<str:vendor_slug>/quotes/orders/<int:pk>/tax-invoice.pdf",
        vendor_views.delivery_document,
        {"kind": "tax_invoice"},
        name="quotes_tax_invoice",
    ),
    path(
        "<str:vendor_slug>/quotes/orders/<int:pk>/tax-invoice.csv",
        vendor_views.delivery_document,
        {"kind": "tax_invoice", "fmt": "csv"},
        name="quotes_tax_invoice_csv",
    ),
]
