"""Payments GraphQL in the shape of Saleor's transactions API.

- ``paymentGatewayInitialize(id, amount, paymentGateways: [{id, data}])`` →
  ``gatewayConfigs { id data errors }``: what a client needs to start paying (Stripe: the
  publishable key; test: the demo card numbers; invoice: the payment terms).
- ``transactionInitialize(id, amount, paymentGateway: {id, data}, idempotencyKey)`` →
  ``transaction``, ``transactionEvent``, ``data`` (Stripe: ``client_secret``), ``errors``.
- ``transactionProcess(id | token, data)``: continue a payment (after 3-D Secure, or after
  Stripe.js confirmed the PaymentIntent).
- ``transaction(id)``: one transaction (its buyer or centre staff).

``id`` is a Checkout or Order global ID (by token, or by primary key); a transaction's ID
is ``TransactionItem:<token>``. Gateway ids: ``nuri.payments.test``, ``nuri.payments.stripe``,
``nuri.payments.invoice``. A declined payment returns the (failed) transaction, its event
and the error ``PAYMENT_DECLINED``; the attempt stays recorded.
"""

from __future__ import annotations

import uuid

import graphene
from graphene.types.generic import GenericScalar
from graphql_relay import from_global_id, to_global_id

from core.errors import DomainError
from core.graphql.errors import error_type
from core.graphql.mutations import BaseMutation
from core.graphql.permissions import current_user
from shop.checkout.models import Checkout
from shop.graphql.types import Money, money
from shop.orders.models import Order
from shop.payments import errors as payment_errors
from shop.payments import services
from shop.payments.errors import PaymentErrorCode, TransactionErrorCode
from shop.payments.gateways import GATEWAYS, PaymentGateway, short_name
from shop.payments.models import Transaction, TransactionStatus

PaymentError = error_type("PaymentError", PaymentErrorCode)
TransactionError = error_type("TransactionError", TransactionErrorCode)


class JSON(GenericScalar):
    """Arbitrary JSON data: objects, lists, strings, numbers, booleans, null."""


GATEWAY_LABELS = {name: cls.label for name, cls in GATEWAYS.items()}

TransactionEventTypeEnum = graphene.Enum(
    "TransactionEventTypeEnum",
    [
        (name, name)
        for name in (
            services.CHARGE_REQUEST,
            services.CHARGE_SUCCESS,
            services.CHARGE_FAILURE,
            services.CHARGE_ACTION_REQUIRED,
            services.CANCEL_SUCCESS,
            services.REFUND_SUCCESS,
            services.INFO,
        )
    ],
    description="Kinds of transaction events (Saleor's names).",
)


# ---------------------------------------------------------------------------------------------
# Types
# ---------------------------------------------------------------------------------------------


class TransactionEvent(graphene.ObjectType):
    """Something that happened to a transaction (a request, a charge, a failure, a refund)."""

    id = graphene.ID(required=True)
    type = graphene.Field(TransactionEventTypeEnum, description="The type of the event.")
    psp_reference = graphene.String(required=True, description="PSP reference of the event.")
    message = graphene.String(required=True, description="Message of the event.")
    amount = graphene.Field(Money, required=True)
    created_at = graphene.DateTime(required=True)

    def resolve_id(event, info):
        return to_global_id("TransactionEvent", event.pk)

    def resolve_amount(event, info):
        return money(event.amount)


class TransactionItem(graphene.ObjectType):
    """One payment attempt of a checkout or an order, through one gateway."""

    id = graphene.ID(required=True)
    token = graphene.UUID(required=True, description="The transaction token.")
    name = graphene.String(required=True, description="Name of the payment method.")
    psp_reference = graphene.String(required=True, description="PSP reference of the payment.")
    charged_amount = graphene.Field(Money, required=True, description="Total amount charged.")
    authorized_amount = graphene.Field(
        Money,
        required=True,
        description="Total amount authorized (always 0: payments are captured at once).",
    )
    refunded_amount = graphene.Field(Money, required=True, description="Total amount refunded.")
    events = graphene.List(graphene.NonNull(TransactionEvent), required=True)
    created_at = graphene.DateTime(required=True)
    modified_at = graphene.DateTime(required=True)

    def resolve_id(tx, info):
        return transaction_global_id(tx)

    def resolve_name(tx, info):
        return GATEWAY_LABELS.get(tx.gateway, tx.gateway)

    def resolve_charged_amount(tx, info):
        return money(tx.charged)

    def resolve_authorized_amount(tx, info):
        return money(0)

    def resolve_refunded_amount(tx, info):
        return money(tx.refunded)

    def resolve_events(tx, info):
        return tx.events.all()

    def resolve_modified_at(tx, info):
        return tx.updated_at


class GatewayConfigLine(graphene.ObjectType):
    field = graphene.String(required=True, description="Gateway config key.")
    value = graphene.String(description="Gateway config value for key.")


class PaymentGatewayType(graphene.ObjectType):
    """An available payment gateway (for ``Checkout.availablePaymentGateways``)."""

    id = graphene.ID(required=True)
    name = graphene.String(required=True)
    config = graphene.List(graphene.NonNull(GatewayConfigLine), required=True)
    currencies = graphene.List(graphene.NonNull(graphene.String), required=True)

    class Meta:
        name = "PaymentGateway"

    def resolve_id(gateway, info):
        return gateway.id

    def resolve_name(gateway, info):
        return gateway.label

    def resolve_config(gateway, info):
        config = gateway.config(amount=0, data={})
        return [
            GatewayConfigLine(field=k, value=v) for k, v in config.items() if isinstance(v, str)
        ]

    def resolve_currencies(gateway, info):
        return ["KRW"]


def available_payment_gateways() -> list[PaymentGateway]:
    """Resolver helper for ``Checkout.availablePaymentGateways: [PaymentGateway!]!``."""
    return services.payment_gateways_available()


class PaymentGatewayConfig(graphene.ObjectType):
    id = graphene.String(required=True, description="The gateway identifier.")
    data = graphene.Field(JSON, description="The JSON data required to start paying.")
    errors = graphene.List(graphene.NonNull(PaymentError), required=True)


class PaymentGatewayToInitialize(graphene.InputObjectType):
    id = graphene.String(required=True, description="The identifier of the payment gateway.")
    data = graphene.Field(JSON, description="The data that will be passed to the gateway.")


# ---------------------------------------------------------------------------------------------
# Lookups
# ---------------------------------------------------------------------------------------------


def transaction_global_id(tx: Transaction) -> str:
    return to_global_id("TransactionItem", str(tx.token))


def _uuid(value: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value))
    except (ValueError, TypeError, AttributeError):
        return None


def _lookup(model, value: str):
    token = _uuid(value)
    if token is not None:
        return model.objects.filter(token=token).first(), True
    if str(value).isdigit():
        return model.objects.filter(pk=int(value)).first(), False
    return None, False


def resolve_checkout_or_order(global_id: str, info) -> Checkout | Order:
    """A Checkout or Order from its global ID (``Checkout:<token>``, ``Order:<pk>`` or
    ``Order:<token>``) or a bare token.

    Access follows checkout's rule: a guest's checkout or order is reached by its secret
    token; an account's by its owner and centre staff only (a guessable primary key never
    suffices on its own).
    """
    type_name, value = from_global_id(global_id or "")
    if type_name in ("Checkout", "Order"):
        obj, by_token = _lookup(Checkout if type_name == "Checkout" else Order, value)
    else:
        obj, by_token = _lookup(Checkout, global_id)
        if obj is None and by_token:
            obj, by_token = _lookup(Order, global_id)
    if obj is None:
        raise DomainError(
            "NOT_FOUND", f"Couldn't resolve to a checkout or order: {global_id}", "id"
        )
    user = current_user(info)
    owner_or_staff = user is not None and (
        user.is_staff or (obj.user_id is not None and user.pk == obj.user_id)
    )
    if not (owner_or_staff or (obj.user_id is None and by_token)):
        raise DomainError("PERMISSION_DENIED", "이 결제를 할 권한이 없습니다.", "id")
    return obj


def resolve_transaction(id: str | None, token: str | None) -> Transaction:
    if not id and not token:
        raise DomainError("REQUIRED", "At least one of arguments is required: 'id', 'token'.")
    if id:
        type_name, value = from_global_id(id)
        token = value if type_name == "TransactionItem" else None
    tx = Transaction.objects.filter(token=_uuid(token)).first() if _uuid(token) else None
    if tx is None:
        raise DomainError("NOT_FOUND", "Couldn't resolve to a transaction.", "id")
    return tx


def transaction_visible_to(tx: Transaction, user) -> bool:
    """Checkout's rule for a transaction: a guest's is reached by its secret token; an
    account's by that account and centre staff only."""
    owner_id = (tx.order.user_id if tx.order_id else None) or (
        tx.checkout.user_id if tx.checkout_id else None
    )
    return owner_id is None or (user is not None and (user.is_staff or user.pk == owner_id))


def _data(value, field: str) -> dict:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise DomainError("INVALID", "data must be a JSON object.", field)
    return value


def _amount(value):
    if value is None:
        return None
    return services._validate_amount(value)


# ---------------------------------------------------------------------------------------------
# Mutations
# ---------------------------------------------------------------------------------------------


class PaymentGatewayInitialize(BaseMutation):
    """Initializes payment gateways for a checkout or an order: returns each gateway's data
    for the client (no transaction is created)."""

    class Arguments:
        id = graphene.ID(required=True, description="The ID of the checkout or order.")
        amount = graphene.Float(
            description="The amount (won) to pay; defaults to what is left to pay."
        )
        payment_gateways = graphene.List(
            graphene.NonNull(PaymentGatewayToInitialize),
            description="Payment gateways to initialize (default: all available).",
        )

    class Meta:
        error_type_class = PaymentError

    gateway_configs = graphene.List(graphene.NonNull(PaymentGatewayConfig))

    @classmethod
    def perform_mutation(cls, root, info, id, amount=None, payment_gateways=None):
        source = resolve_checkout_or_order(id, info)
        value = _amount(amount)
        if value is None:
            value = services.amount_due(source)
        checkout, order = (None, source) if isinstance(source, Order) else (source, None)
        available = {g.name: g for g in services.payment_gateways_available()}
        requested = payment_gateways or [{"id": g.id} for g in available.values()]
        configs = []
        for request in requested:
            gateway = available.get(short_name(request["id"]))
            if gateway is None:
                configs.append(
                    PaymentGatewayConfig(
                        id=request["id"],
                        data=None,
                        errors=[
                            {
                                "field": "id",
                                "code": payment_errors.GATEWAY_NOT_AVAILABLE,
                                "message": f"사용할 수 없는 결제 수단입니다: {request['id']}",
                            }
                        ],
                    )
                )
                continue
            try:
                gateway.check_allowed(checkout=checkout, order=order, actor=current_user(info))
                data = gateway.config(amount=value, data=_data(request.get("data"), "data"))
                config_errors = []
            except DomainError as exc:
                data = None
                config_errors = [{"field": exc.field, "code": exc.code, "message": exc.message}]
            configs.append(PaymentGatewayConfig(id=gateway.id, data=data, errors=config_errors))
        return cls(gateway_configs=configs)


class TransactionPayloadMixin:
    @classmethod
    def payload(cls, tx: Transaction):
        event = tx.events.order_by("-created_at", "-id").first()
        errors = []
        if tx.status == TransactionStatus.FAILED:
            errors.append(
                {
                    "field": "paymentGateway",
                    "code": payment_errors.PAYMENT_DECLINED,
                    "message": (event.message if event else "") or "결제가 거절되었습니다.",
                }
            )
        return cls(
            transaction=tx, transaction_event=event, data=tx.client_data or None, errors=errors
        )


class TransactionInitialize(TransactionPayloadMixin, BaseMutation):
    """Starts a payment: creates a transaction for the checkout or order and sends it to the
    gateway. ``data`` carries what the client needs next (Stripe: ``client_secret``)."""

    class Arguments:
        id = graphene.ID(required=True, description="The ID of the checkout or order.")
        amount = graphene.Float(
            description="The amount (won) to pay; defaults to what is left to pay."
        )
        payment_gateway = PaymentGatewayToInitialize(
            required=True, description="Payment gateway used to pay."
        )
        idempotency_key = graphene.String(
            description="Repeating a request with the same key returns the same transaction."
        )

    class Meta:
        error_type_class = TransactionError

    transaction = graphene.Field(TransactionItem, description="The initialized transaction.")
    transaction_event = graphene.Field(
        TransactionEvent, description="The event created for the initialized transaction."
    )
    data = graphene.Field(JSON, description="The JSON data required to finalize the payment.")

    @classmethod
    def perform_mutation(cls, root, info, id, payment_gateway, amount=None, idempotency_key=None):
        source = resolve_checkout_or_order(id, info)
        tx = services.transaction_initialize(
            checkout_or_order=source,
            gateway_id=payment_gateway["id"],
            amount=_amount(amount),
            data=_data(payment_gateway.get("data"), "paymentGateway"),
            actor=current_user(info),
            idempotency_key=idempotency_key,
        )
        return cls.payload(tx)


class TransactionProcess(TransactionPayloadMixin, BaseMutation):
    """Continues a payment (after 3-D Secure, or after Stripe.js confirmed it): the gateway
    says where it stands."""

    class Arguments:
        id = graphene.ID(description="The ID of the transaction to process.")
        token = graphene.UUID(description="The token of the transaction to process.")
        data = graphene.Argument(JSON, description="The data passed to the payment gateway.")

    class Meta:
        error_type_class = TransactionError

    transaction = graphene.Field(TransactionItem, description="The processed transaction.")
    transaction_event = graphene.Field(
        TransactionEvent, description="The event created for the processed transaction."
    )
    data = graphene.Field(JSON, description="The JSON data required to finalize the payment.")

    @classmethod
    def perform_mutation(cls, root, info, id=None, token=None, data=None):
        tx = resolve_transaction(id, str(token) if token else None)
        if not transaction_visible_to(tx, current_user(info)):
            raise DomainError("PERMISSION_DENIED", "이 결제를 할 권한이 없습니다.", "id")
        tx = services.transaction_process(
            transaction=tx, data=_data(data, "data"), actor=current_user(info)
        )
        return cls.payload(tx)


# ---------------------------------------------------------------------------------------------
# Roots (wired into shop.graphql.schema by inheritance)
# ---------------------------------------------------------------------------------------------


class PaymentQueries(graphene.ObjectType):
    transaction = graphene.Field(
        TransactionItem,
        id=graphene.ID(required=True, description="ID of a transaction."),
        description="Look up a transaction by ID (its buyer or centre staff).",
    )

    def resolve_transaction(self, info, id):
        try:
            tx = resolve_transaction(id, None)
        except DomainError:
            return None
        return tx if transaction_visible_to(tx, current_user(info)) else None


class PaymentMutations(graphene.ObjectType):
    payment_gateway_initialize = PaymentGatewayInitialize.Field()
    transaction_initialize = TransactionInitialize.Field()
    transaction_process = TransactionProcess.Field()
