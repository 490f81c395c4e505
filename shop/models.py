"""Models of the shop app, one sub-package per sub-domain."""

from shop.catalog.models import (  # noqa: F401
    Category,
    Product,
    ProductImage,
    ProductVariant,
    Stock,
)
from shop.checkout.models import Checkout, CheckoutLine  # noqa: F401
from shop.orders.models import (  # noqa: F401
    Order,
    OrderEvent,
    OrderLine,
    ReturnRequest,
    VendorOrder,
)
from shop.payments.models import Refund, Transaction, TransactionEvent, WebhookEvent  # noqa: F401
from shop.search.models import ProductSearchDocument, SearchIndexState  # noqa: F401
from shop.settlement.models import SettlementStatement  # noqa: F401
