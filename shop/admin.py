"""Staff admin of the shop app (Django autodiscovers this module): one module per area."""

from shop.orders import admin as orders_admin  # noqa: F401
from shop.payments import admin as payments_admin  # noqa: F401
from shop.settlement import admin as settlement_admin  # noqa: F401
