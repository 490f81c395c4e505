"""Vendor dashboard (/vendor/): the vendor's staff manage their catalog."""

app_name = "dashboard"

urlpatterns: list = []
