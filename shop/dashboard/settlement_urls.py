"""Settlement pages of the vendor dashboard (``/vendor/<slug>/settlement/...``).

Included into ``shop.dashboard.urls`` (namespace ``dashboard``) with
``urlpatterns += settlement_urls.urlpatterns``.
"""

from django.urls import path

from shop.dashboard import settlement

urlpatterns = [
    path("<str:vendor_slug>/settlement/", settlement.settlement_list, name="settlement_list"),
    path(
        "<str:vendor_slug>/settlement/preview/",
        settlement.settlement_preview,
        name="settlement_preview",
    ),
    path(
        "<str:vendor_slug>/settlement/preview.csv",
        settlement.settlement_preview_csv,
        name="settlement_preview_csv",
    ),
    path(
        "<str:vendor_slug>/settlement/<int:pk>/",
        settlement.settlement_detail,
        name="settlement_detail",
    ),
    path(
        "<str:vendor_slug>/settlement/<int:pk>.csv",
        settlement.settlement_csv,
        name="settlement_csv",
    ),
]
