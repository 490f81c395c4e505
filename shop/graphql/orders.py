"""Order GraphQL: ``order``, ``myOrders``, the vendor side (``vendorOrders``, ``vendorOrder``)
and the order mutations (``orderCancel``, ``vendorOrderShip``, ``vendorOrderDeliver``,
``vendorOrderCancel``, ``vendorOrderRefund``, ``returnRequestCreate``, ``returnRequestAccept``,
``returnRequestReject``).

Saleor's names where they fit (``Order.number``, ``status``, ``chargeStatus``, ``lines``,
``total``, ``subtotal``, ``shippingPrice``, ``events``); the marketplace part is
``Order.vendorOrders``: one per vendor, with its own status, shipment and refunds.

Who sees what (``shop.orders.selectors``): the buyer and centre staff see the whole order; a
vendor's staff see the order's delivery details and their own vendor orders, lines and events
only. An order placed without an account is reached with its token (``order(id: <token>)``).
Lists are N+1-free: they prefetch vendor orders, lines and (when asked) events.
"""

from __future__ import annotations

import uuid

import graphene
from graphene import relay
from graphene_django import DjangoObjectType
from graphql_relay import from_global_id, to_global_id

from core.errors import DomainError
from core.graphql.connection import CountableConnection, paginate
from core.graphql.errors import DomainGraphQLError
from core.graphql.ids import decode_id
from core.graphql.mutations import BaseMutation
from core.graphql.permissions import current_user, require_login
from core.graphql.selection import node_paths
from shop.graphql.checkout import Address, error_dicts
from shop.graphql.types import (
    Money,
    ProductVariantType,
    TaxedMoney,
    TaxTypeEnum,
    money,
    taxed_money,
)
from shop.orders import selectors, services
from shop.orders.errors import OrderErrorCode
from shop.orders.models import (
    ChargeStatus,
    Order,
    OrderEvent,
    OrderLine,
    OrderStatus,
    ReturnRequest,
    ReturnStatus,
    VendorOrder,
    VendorOrderStatus,
)
from shop.tax import TaxedAmount, split_gross
from vendors.graphql.types import VendorType  # noqa: F401 - registers Vendor for VendorOrder


def _enum(name: str, values, description: str) -> type[graphene.Enum]:
    return graphene.Enum(name, [(v.upper(), v) for v in values], description=description)


OrderStatusEnum = _enum("OrderStatus", OrderStatus.values, "Status of an order.")
OrderChargeStatusEnum = _enum(
    "OrderChargeStatusEnum", ChargeStatus.values, "How much of an order is paid."
)
VendorOrderStatusEnum = _enum(
    "VendorOrderStatus",
    VendorOrderStatus.values,
    "Fulfilment of one vendor's part: unfulfilled → shipped → delivered, or canceled.",
)
OrderEventsEnum = _enum("OrderEventsEnum", services.EventType.ALL, "What happened to an order.")
ReturnRequestStatusEnum = _enum(
    "ReturnRequestStatus", ReturnStatus.values, "Status of a withdrawal (청약철회) request."
)
OrderErrorCodeEnum = graphene.Enum.from_enum(OrderErrorCode, description="Error codes of orders.")


class OrderError(graphene.ObjectType):
    """A problem with an order mutation's input, in a machine code and a Korean message."""

    field = graphene.String(description="The input field concerned, or null.")
    code = graphene.Field(OrderErrorCodeEnum, required=True)
    message = graphene.String(required=True)


class OrderBaseMutation(BaseMutation):
    class Meta:
        abstract = True

    @classmethod
    def error_response(cls, errors):
        return cls(errors=error_dicts(errors, OrderErrorCode))


# ---------------------------------------------------------------------------------------------
# Visibility of an order's parts
# ---------------------------------------------------------------------------------------------


def _visible(info, order: Order) -> set[int] | None:
    """Vendor ids whose parts the viewer sees (``None``: all), decided once per order."""
    if hasattr(order, "_nuri_visible"):
        return order._nuri_visible
    visible = selectors.visible_vendor_ids(current_user(info), order)
    order._nuri_visible = visible
    return visible


def _full_view(info, order: Order) -> bool:
    return _visible(info, order) is None


def _vendor_orders(info, order: Order) -> list[VendorOrder]:
    visible = _visible(info, order)
    vendor_orders = list(order.vendor_orders.all())
    for vo in vendor_orders:
        vo.order = order  # no query for vo.order
    if visible is None:
        return vendor_orders
    return [vo for vo in vendor_orders if vo.vendor_id in visible]


def _taxed(gross: int, tax: int) -> TaxedMoney:
    return taxed_money(TaxedAmount(gross=gross, net=gross - tax, tax=tax))


def _lines_taxed(lines) -> TaxedAmount:
    total = TaxedAmount(0, 0, 0)
    for line in lines:
        total = total + TaxedAmount(line.total, line.supply, line.tax)
    return total


def _shipping_taxed(vendor_orders) -> TaxedAmount:
    total = TaxedAmount(0, 0, 0)
    for vo in vendor_orders:
        total = total + split_gross(vo.shipping_fee, "taxable")
    return total


# ---------------------------------------------------------------------------------------------
# Types
# ---------------------------------------------------------------------------------------------


class OrderLineType(DjangoObjectType):
    product_name = graphene.String(required=True)
    variant_name = graphene.String(required=True)
    product_sku = graphene.String(required=True)
    product_variant_id = graphene.ID()
    variant = graphene.Field(ProductVariantType, description="Null once the variant is deleted.")
    quantity = graphene.Int(required=True)
    quantity_refunded = graphene.Int(required=True)
    unit_price = graphene.Field(TaxedMoney, required=True, description="One unit at purchase.")
    undiscounted_unit_price = graphene.Field(TaxedMoney, required=True)
    unit_discount = graphene.Field(Money, required=True)
    total_price = graphene.Field(TaxedMoney, required=True, description="공급가액 + 세액.")
    tax_type = graphene.Field(TaxTypeEnum, required=True)
    tax_rate = graphene.Float(required=True)
    refunded = graphene.Field(Money, required=True)

    class Meta:
        model = OrderLine
        name = "OrderLine"
        interfaces = (relay.Node,)
        fields = ("id",)

    @classmethod
    def get_node(cls, info, id):
        return None  # reach lines through their order

    def resolve_product_sku(self, info):
        return self.sku

    def resolve_product_variant_id(self, info):
        return to_global_id("ProductVariant", self.variant_id) if self.variant_id else None

    def resolve_variant(self, info):
        return self.variant

    def resolve_unit_price(self, info):
        unit = (self.total // self.quantity) if self.quantity else 0
        return taxed_money(split_gross(unit, self.tax_type))

    def resolve_undiscounted_unit_price(self, info):
        return taxed_money(split_gross(self.unit_price, self.tax_type))

    def resolve_unit_discount(self, info):
        return money((self.discount // self.quantity) if self.quantity else 0)

    def resolve_total_price(self, info):
        return _taxed(self.total, self.tax)

    def resolve_tax_type(self, info):
        return self.tax_type

    def resolve_tax_rate(self, info):
        return 0.1 if self.tax_type == "taxable" else 0.0

    def resolve_refunded(self, info):
        return money(self.refunded)


class ReturnRequestLine(graphene.ObjectType):
    line = graphene.Field(OrderLineType)
    quantity = graphene.Int(required=True)


class OrderEventType(DjangoObjectType):
    date = graphene.DateTime(required=True)
    type = graphene.Field(OrderEventsEnum, required=True)
    message = graphene.String(required=True)
    actor_role = graphene.String(
        required=True, description="buyer, vendor, staff or system: who acted."
    )
    user = graphene.Field(
        "accounts.graphql.schema.UserType", description="Who acted; centre staff only."
    )
    vendor_order_number = graphene.String()
    amount = graphene.Field(Money, description="Amount refunded, when the event refunds.")

    class Meta:
        model = OrderEvent
        name = "OrderEvent"
        interfaces = (relay.Node,)
        fields = ("id",)

    @classmethod
    def get_node(cls, info, id):
        return None

    def resolve_date(self, info):
        return self.created_at

    def resolve_type(self, info):
        return self.type if self.type in services.EventType.ALL else services.EventType.OTHER

    def resolve_actor_role(self, info):
        return (self.data or {}).get("actor_role", "system")

    def resolve_user(self, info):
        user = current_user(info)
        return self.actor if user is not None and user.is_staff else None

    def resolve_vendor_order_number(self, info):
        return (self.data or {}).get("number")

    def resolve_amount(self, info):
        data = self.data or {}
        value = data.get("amount", data.get("refunded"))
        return money(value) if value else None


class ReturnRequestType(DjangoObjectType):
    status = graphene.Field(ReturnRequestStatusEnum, required=True)
    reason = graphene.String(required=True)
    lines = graphene.List(graphene.NonNull(ReturnRequestLine), required=True)
    created = graphene.DateTime(required=True)
    decided_at = graphene.DateTime()
    decision_note = graphene.String(required=True)
    vendor_order_number = graphene.String(required=True)

    class Meta:
        model = ReturnRequest
        name = "ReturnRequest"
        interfaces = (relay.Node,)
        fields = ("id",)

    @classmethod
    def get_node(cls, info, id):
        request = ReturnRequest.objects.filter(pk=id).select_related("vendor_order__order").first()
        if request is None:
            return None
        user = current_user(info)
        vo = request.vendor_order
        if selectors.can_manage_vendor_order(user, vo) or selectors.is_order_buyer(user, vo.order):
            return request
        return None

    def resolve_status(self, info):
        return self.status

    def resolve_lines(self, info):
        lines = {line.pk: line for line in self.vendor_order.lines.all()}
        return [
            ReturnRequestLine(line=lines.get(item["line_id"]), quantity=item["quantity"])
            for item in self.lines or []
        ]

    def resolve_created(self, info):
        return self.created_at

    def resolve_vendor_order_number(self, info):
        return self.vendor_order.number


class VendorOrderType(DjangoObjectType):
    status = graphene.Field(VendorOrderStatusEnum, required=True)
    status_display = graphene.String(required=True)
    created = graphene.DateTime(required=True)
    order_number = graphene.String(required=True)
    lines = graphene.List(graphene.NonNull(OrderLineType), required=True)
    subtotal = graphene.Field(TaxedMoney, required=True, description="The vendor's lines.")
    shipping_price = graphene.Field(TaxedMoney, required=True, description="Its delivery fee.")
    total = graphene.Field(TaxedMoney, required=True)
    refunded = graphene.Field(Money, required=True)
    refundable = graphene.Field(
        Money, required=True, description="What may still be refunded (paid minus refunds)."
    )
    shipping_address = graphene.Field(Address)
    withdrawal_deadline = graphene.Date(
        description="Last day of the 7-day withdrawal period (after delivery)."
    )
    return_requests = graphene.List(graphene.NonNull(ReturnRequestType), required=True)
    events = graphene.List(graphene.NonNull(OrderEventType), required=True)

    class Meta:
        model = VendorOrder
        name = "VendorOrder"
        interfaces = (relay.Node,)
        fields = (
            "id",
            "number",
            "vendor",
            "carrier",
            "tracking_number",
            "shipped_at",
            "delivered_at",
            "canceled_at",
        )

    @classmethod
    def get_node(cls, info, id):
        return selectors.vendor_order_get_for_user(current_user(info), pk=id)

    def resolve_status(self, info):
        return self.status

    def resolve_status_display(self, info):
        return self.get_status_display()

    def resolve_created(self, info):
        return self.created_at

    def resolve_order_number(self, info):
        return self.order.number

    def resolve_lines(self, info):
        return self.lines.all()

    def resolve_subtotal(self, info):
        return taxed_money(_lines_taxed(self.lines.all()))

    def resolve_shipping_price(self, info):
        return taxed_money(split_gross(self.shipping_fee, "taxable"))

    def resolve_total(self, info):
        return _taxed(self.total, self.tax)

    def resolve_refunded(self, info):
        return money(self.refunded)

    def resolve_refundable(self, info):
        return money(services.vendor_order_refundable_amount(self))

    def resolve_shipping_address(self, info):
        return Address.from_fields(self.order)

    def resolve_withdrawal_deadline(self, info):
        return services.withdrawal_deadline(self)

    def resolve_return_requests(self, info):
        requests = list(self.return_requests.all())
        for request in requests:
            request.vendor_order = self
        return requests

    def resolve_events(self, info):
        # Nested in an order that prefetched its events: take them from there (no query).
        cache = getattr(self.order, "_prefetched_objects_cache", {})
        if "events" in cache:
            events = [e for e in cache["events"] if e.vendor_order_id == self.pk]
        else:
            events = self.events.all()
        return [e for e in events if e.type != services.EventType.EMAIL_SENT]


class VendorOrderCountableConnection(CountableConnection):
    class Meta:
        node = VendorOrderType


class OrderType(DjangoObjectType):
    token = graphene.UUID(description="Secret token of the order (buyer and staff only).")
    created = graphene.DateTime(required=True)
    updated_at = graphene.DateTime(required=True)
    status = graphene.Field(OrderStatusEnum, required=True)
    status_display = graphene.String(required=True)
    charge_status = graphene.Field(OrderChargeStatusEnum, required=True)
    is_paid = graphene.Boolean(required=True)
    user_email = graphene.String(description="Buyer's e-mail (buyer and staff only).")
    shipping_address = graphene.Field(Address)
    lines = graphene.List(graphene.NonNull(OrderLineType), required=True)
    vendor_orders = graphene.List(
        graphene.NonNull(VendorOrderType),
        required=True,
        description="One per vendor (a vendor's staff see their own only).",
    )
    subtotal = graphene.Field(TaxedMoney, required=True, description="Sum of the lines.")
    shipping_price = graphene.Field(TaxedMoney, required=True, description="Delivery fees.")
    total = graphene.Field(TaxedMoney, required=True, description="What the buyer pays.")
    total_charged = graphene.Field(Money, required=True)
    total_refunded = graphene.Field(Money, required=True)
    events = graphene.List(graphene.NonNull(OrderEventType), required=True)
    can_cancel = graphene.Boolean(
        required=True, description="The viewer may cancel the whole order now."
    )

    class Meta:
        model = Order
        name = "Order"
        interfaces = (relay.Node,)
        fields = ("id", "number")

    @classmethod
    def get_node(cls, info, id):
        return selectors.order_get_for_user(current_user(info), pk=id)

    def resolve_token(self, info):
        return self.token if _full_view(info, self) else None

    def resolve_created(self, info):
        return self.created_at

    def resolve_status(self, info):
        return self.status

    def resolve_status_display(self, info):
        return self.get_status_display()

    def resolve_charge_status(self, info):
        return self.charge_status

    def resolve_is_paid(self, info):
        return self.total_charged >= self.total > 0

    def resolve_user_email(self, info):
        return self.email if _full_view(info, self) else None

    def resolve_shipping_address(self, info):
        return Address.from_fields(self)

    def resolve_lines(self, info):
        return [line for vo in _vendor_orders(info, self) for line in vo.lines.all()]

    def resolve_vendor_orders(self, info):
        return _vendor_orders(info, self)

    def resolve_subtotal(self, info):
        all_lines = [line for vo in self.vendor_orders.all() for line in vo.lines.all()]
        return taxed_money(_lines_taxed(all_lines))

    def resolve_shipping_price(self, info):
        return taxed_money(_shipping_taxed(self.vendor_orders.all()))

    def resolve_total(self, info):
        return _taxed(self.total, self.tax_total)

    def resolve_total_charged(self, info):
        return money(self.total_charged)

    def resolve_total_refunded(self, info):
        return money(self.total_refunded)

    def resolve_events(self, info):
        visible = _visible(info, self)
        events = [e for e in _events(self) if e.type != services.EventType.EMAIL_SENT]
        if visible is None:
            return events
        mine = {vo.pk for vo in _vendor_orders(info, self)}
        return [e for e in events if e.vendor_order_id in mine]

    def resolve_can_cancel(self, info):
        if not _full_view(info, self):
            return False
        active = [vo for vo in self.vendor_orders.all() if vo.status != VendorOrderStatus.CANCELED]
        return bool(active) and all(vo.status == VendorOrderStatus.UNFULFILLED for vo in active)


def _events(order: Order):
    return order.events.all()


class OrderCountableConnection(CountableConnection):
    class Meta:
        node = OrderType


# ---------------------------------------------------------------------------------------------
# Lookups
# ---------------------------------------------------------------------------------------------


def _as_uuid(value) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value))
    except (ValueError, TypeError):
        return None


def order_for_buyer_view(pk: int) -> Order | None:
    """An order loaded for a viewer who sees all of it (its buyer, just after checkout)."""
    order = selectors.order_queryset(events=True).filter(pk=pk).first()
    if order is not None:
        order._nuri_visible = None
    return order


def order_lookup(info, value) -> tuple[Order | None, uuid.UUID | None]:
    """``Order:<id>`` for its buyer, its vendors and staff; a bare token for anyone holding it."""
    user = current_user(info)
    token = _as_uuid(value)
    if token is not None:
        order = selectors.order_get_for_user(user, token=token)
        if order is not None:
            order._nuri_visible = None
        return order, token
    try:
        pk = decode_id(value, "Order")
    except DomainError:
        return None, None
    return selectors.order_get_for_user(user, pk=pk), None


def _order_for_mutation(info, value) -> tuple[Order, uuid.UUID | None]:
    order, token = order_lookup(info, value)
    if order is None:
        raise DomainError("NOT_FOUND", "주문을 찾을 수 없습니다.", "id")
    return order, token


def _vendor_order_for_mutation(info, value, field: str = "id") -> VendorOrder:
    user = current_user(info)
    vendor_order = None
    if value:
        try:
            type_name, raw = from_global_id(str(value))
            if type_name == "VendorOrder":
                vendor_order = selectors.vendor_order_get_for_user(user, pk=int(raw))
        except (ValueError, TypeError, UnicodeDecodeError):
            vendor_order = None
        if vendor_order is None and str(value).startswith("N"):
            vendor_order = selectors.vendor_order_get_for_user(user, number=str(value))
    if vendor_order is None:
        raise DomainError("NOT_FOUND", "판매처 주문을 찾을 수 없습니다.", field)
    return vendor_order


def _vendor_order_result(pk: int) -> VendorOrder:
    return selectors.vendor_order_queryset(events=True).get(pk=pk)


def _return_request_for_mutation(info, value) -> ReturnRequest:
    try:
        pk = decode_id(value, "ReturnRequest")
    except DomainError:
        pk = None
    request = ReturnRequestType.get_node(info, pk) if pk is not None else None
    if request is None:
        raise DomainError("NOT_FOUND", "청약철회 요청을 찾을 수 없습니다.", "id")
    return request


def _line_pairs(lines, field: str = "lines") -> list[tuple[int, int]] | None:
    if lines is None:
        return None
    return [
        (decode_id(item["line_id"], "OrderLine", field=field), item["quantity"]) for item in lines
    ]


def _wants_events(info) -> bool:
    """Whether ``events`` is selected anywhere below the connection's nodes."""
    return any(p.rsplit(".", 1)[-1] == "events" for p in node_paths(info))


def resolve_user_orders(user, info, **kwargs):
    """``me { orders }``: the signed-in user's own orders (attach to accounts' ``User`` type)."""
    viewer = current_user(info)
    if viewer is None or (viewer.pk != user.pk and not viewer.is_staff):
        return paginate(Order.objects.none(), OrderCountableConnection, **kwargs)
    qs = selectors.order_queryset(events=_wants_events(info)).filter(user=user)
    try:
        conn = paginate(qs.order_by("-created_at", "-id"), OrderCountableConnection, **kwargs)
    except DomainError as exc:
        raise DomainGraphQLError(exc)
    for edge in conn.edges:
        edge.node._nuri_visible = None
    return conn


def user_orders_field() -> relay.ConnectionField:
    """The ``orders`` field for accounts' ``User`` type (with ``resolve_user_orders``)."""
    return relay.ConnectionField(
        OrderCountableConnection, description="The user's orders, newest first."
    )


# ---------------------------------------------------------------------------------------------
# Queries
# ---------------------------------------------------------------------------------------------


class OrderQueries(graphene.ObjectType):
    order = graphene.Field(
        OrderType,
        id=graphene.ID(required=True, description="The order's ID, or its token."),
        description="Look up an order (its buyer, its vendors' staff, centre staff).",
    )
    my_orders = relay.ConnectionField(
        OrderCountableConnection, description="The signed-in buyer's orders, newest first."
    )
    vendor_orders = relay.ConnectionField(
        VendorOrderCountableConnection,
        status=graphene.Argument(VendorOrderStatusEnum),
        vendor=graphene.ID(description="Only this vendor's (for staff of several vendors)."),
        description="Vendor orders of the vendors the user works for (all for centre staff).",
    )
    vendor_order = graphene.Field(
        VendorOrderType,
        id=graphene.ID(required=True, description="The vendor order's ID or number."),
    )

    def resolve_order(self, info, id):
        order, _ = order_lookup(info, id)
        return order

    def resolve_my_orders(self, info, **kwargs):
        user = current_user(info)
        if user is None:
            return paginate(Order.objects.none(), OrderCountableConnection, **kwargs)
        return resolve_user_orders(user, info, **kwargs)

    def resolve_vendor_orders(self, info, status=None, vendor=None, **kwargs):
        try:
            user = require_login(info)
            vendor_id = decode_id(vendor, "Vendor", field="vendor") if vendor else None
            qs = selectors.vendor_orders_for_user(
                user,
                status=getattr(status, "value", status),
                vendor_id=vendor_id,
                events=_wants_events(info),
            )
            return paginate(qs, VendorOrderCountableConnection, **kwargs)
        except DomainError as exc:
            raise DomainGraphQLError(exc)

    def resolve_vendor_order(self, info, id):
        try:
            return _vendor_order_for_mutation(info, id)
        except DomainError:
            return None


# ---------------------------------------------------------------------------------------------
# Mutations
# ---------------------------------------------------------------------------------------------


class OrderLineQuantityInput(graphene.InputObjectType):
    line_id = graphene.ID(required=True, description="ID of the order line.")
    quantity = graphene.Int(required=True, description="Units of that line.")


class OrderCancel(OrderBaseMutation):
    """Cancel the whole order before anything ships (buyer or centre staff); paid amounts are
    refunded and the stock released."""

    order = graphene.Field(OrderType)

    class Arguments:
        id = graphene.ID(required=True, description="The order's ID, or its token.")
        reason = graphene.String()

    class Meta:
        error_type_class = OrderError

    @classmethod
    def perform_mutation(cls, root, info, id, reason=""):
        order, token = _order_for_mutation(info, id)
        services.order_cancel(
            order=order, actor=current_user(info), reason=reason or "", token=token
        )
        result = selectors.order_queryset(events=True).get(pk=order.pk)
        result._nuri_visible = getattr(order, "_nuri_visible", None)
        return cls(order=result)


class _VendorOrderPayload:
    vendor_order = graphene.Field(VendorOrderType)


class VendorOrderCancel(_VendorOrderPayload, OrderBaseMutation):
    """Cancel one vendor's part before it ships (the buyer, that vendor or centre staff)."""

    class Arguments:
        id = graphene.ID(required=True)
        reason = graphene.String()

    class Meta:
        error_type_class = OrderError

    @classmethod
    def perform_mutation(cls, root, info, id, reason=""):
        vendor_order = _vendor_order_for_mutation(info, id)
        services.vendor_order_cancel(
            vendor_order=vendor_order, actor=current_user(info), reason=reason or ""
        )
        return cls(vendor_order=_vendor_order_result(vendor_order.pk))


class VendorOrderShip(_VendorOrderPayload, OrderBaseMutation):
    """Record the shipment (carrier and tracking number); the stock leaves the shelf."""

    class Arguments:
        id = graphene.ID(required=True)
        carrier = graphene.String(required=True, description="택배사, e.g. CJ대한통운.")
        tracking_number = graphene.String(required=True, description="운송장 번호.")

    class Meta:
        error_type_class = OrderError

    @classmethod
    def perform_mutation(cls, root, info, id, carrier, tracking_number):
        vendor_order = _vendor_order_for_mutation(info, id)
        services.vendor_order_ship(
            vendor_order=vendor_order,
            actor=current_user(info),
            carrier=carrier,
            tracking_number=tracking_number,
        )
        return cls(vendor_order=_vendor_order_result(vendor_order.pk))


class VendorOrderDeliver(_VendorOrderPayload, OrderBaseMutation):
    """Mark a shipped vendor order delivered (the withdrawal period starts)."""

    class Arguments:
        id = graphene.ID(required=True)

    class Meta:
        error_type_class = OrderError

    @classmethod
    def perform_mutation(cls, root, info, id):
        vendor_order = _vendor_order_for_mutation(info, id)
        services.vendor_order_deliver(vendor_order=vendor_order, actor=current_user(info))
        return cls(vendor_order=_vendor_order_result(vendor_order.pk))


class VendorOrderRefund(_VendorOrderPayload, OrderBaseMutation):
    """Refund part of a vendor order, by amount and/or lines; never more than was paid."""

    class Arguments:
        id = graphene.ID(required=True)
        amount = graphene.Int(description="Won to refund (default: the lines' value).")
        lines = graphene.List(graphene.NonNull(OrderLineQuantityInput))
        reason = graphene.String()
        restock = graphene.Boolean(
            default_value=False, description="Put shipped units back on the shelf."
        )

    class Meta:
        error_type_class = OrderError

    @classmethod
    def perform_mutation(cls, root, info, id, amount=None, lines=None, reason="", restock=False):
        vendor_order = _vendor_order_for_mutation(info, id)
        services.vendor_order_refund(
            vendor_order=vendor_order,
            actor=current_user(info),
            amount=amount,
            lines=_line_pairs(lines),
            reason=reason or "",
            restock=bool(restock),
        )
        return cls(vendor_order=_vendor_order_result(vendor_order.pk))


class _ReturnRequestPayload:
    return_request = graphene.Field(ReturnRequestType)


def _return_request_result(pk: int) -> ReturnRequest:
    request = ReturnRequest.objects.get(pk=pk)
    request.vendor_order = _vendor_order_result(request.vendor_order_id)
    return request


class ReturnRequestCreate(_ReturnRequestPayload, OrderBaseMutation):
    """Withdraw (청약철회) within 7 days of delivery: the buyer asks, the vendor decides."""

    class Arguments:
        vendor_order_id = graphene.ID(required=True)
        reason = graphene.String(required=True)
        lines = graphene.List(
            graphene.NonNull(OrderLineQuantityInput),
            description="Units to return (default: every unit).",
        )

    class Meta:
        error_type_class = OrderError

    @classmethod
    def perform_mutation(cls, root, info, vendor_order_id, reason, lines=None):
        vendor_order = _vendor_order_for_mutation(info, vendor_order_id, "vendorOrderId")
        request = services.return_request_create(
            vendor_order=vendor_order,
            actor=current_user(info),
            reason=reason,
            lines=_line_pairs(lines),
        )
        return cls(return_request=_return_request_result(request.pk))


class ReturnRequestAccept(_ReturnRequestPayload, OrderBaseMutation):
    """The vendor accepts a withdrawal: the lines are refunded (and restocked if asked)."""

    class Arguments:
        id = graphene.ID(required=True)
        restock = graphene.Boolean(default_value=False)
        note = graphene.String()

    class Meta:
        error_type_class = OrderError

    @classmethod
    def perform_mutation(cls, root, info, id, restock=False, note=""):
        request = _return_request_for_mutation(info, id)
        services.return_request_accept(
            return_request=request, actor=current_user(info), restock=bool(restock), note=note or ""
        )
        return cls(return_request=_return_request_result(request.pk))


class ReturnRequestReject(_ReturnRequestPayload, OrderBaseMutation):
    """The vendor rejects a withdrawal, with a reason."""

    class Arguments:
        id = graphene.ID(required=True)
        reason = graphene.String(required=True)

    class Meta:
        error_type_class = OrderError

    @classmethod
    def perform_mutation(cls, root, info, id, reason):
        request = _return_request_for_mutation(info, id)
        services.return_request_reject(
            return_request=request, actor=current_user(info), reason=reason
        )
        return cls(return_request=_return_request_result(request.pk))


class OrderMutations(graphene.ObjectType):
    order_cancel = OrderCancel.Field()
    vendor_order_cancel = VendorOrderCancel.Field()
    vendor_order_ship = VendorOrderShip.Field()
    vendor_order_deliver = VendorOrderDeliver.Field()
    vendor_order_refund = VendorOrderRefund.Field()
    return_request_create = ReturnRequestCreate.Field()
    return_request_accept = ReturnRequestAccept.Field()
    return_request_reject = ReturnRequestReject.Field()
