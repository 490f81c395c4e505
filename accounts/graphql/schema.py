import graphene
from graphene_django import DjangoObjectType

from accounts import services
from accounts.errors import AccountErrorCode
from accounts.models import User
from core.errors import DomainError
from core.graphql.errors import error_type
from core.graphql.mutations import BaseMutation
from core.graphql.permissions import current_user
from shop.graphql.orders import resolve_user_orders, user_orders_field

AccountError = error_type("AccountError", AccountErrorCode)


class UserType(DjangoObjectType):
    class Meta:
        model = User
        name = "User"
        interfaces = (graphene.relay.Node,)
        fields = ("id", "email", "name", "is_staff")

    orders = user_orders_field()

    def resolve_orders(self, info, **kwargs):
        return resolve_user_orders(self, info, **kwargs)

    @classmethod
    def get_node(cls, info, id):
        user = current_user(info)
        if user is None or not (user.is_staff or str(user.pk) == str(id)):
            return None
        return super().get_node(info, id)


class TokenCreate(BaseMutation):
    """Exchange e-mail and password for a bearer token (``Authorization: Bearer …``)."""

    class Arguments:
        email = graphene.String(required=True)
        password = graphene.String(required=True)

    class Meta:
        error_type_class = AccountError

    token = graphene.String()
    user = graphene.Field(UserType)

    @classmethod
    def perform_mutation(cls, root, info, email, password):
        # The refusal is returned, not raised: raising would roll back the mutation's
        # transaction and with it the failed attempt django-axes just recorded, so failures
        # would never add up to a lockout.
        try:
            token, user = services.token_create(
                email=email, password=password, request=info.context
            )
        except DomainError as exc:
            return cls.error_response([exc])
        return cls(token=token, user=user)


class Queries(graphene.ObjectType):
    me = graphene.Field(UserType, description="The signed-in user, or null.")

    def resolve_me(self, info):
        return current_user(info)


class Mutations(graphene.ObjectType):
    token_create = TokenCreate.Field()
