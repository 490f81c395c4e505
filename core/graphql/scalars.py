import graphene


class Upload(graphene.Scalar):
    """A file sent with the GraphQL multipart request spec."""

    @staticmethod
    def serialize(value):
        return getattr(value, "name", None)

    @staticmethod
    def parse_literal(node, _variables=None):
        return node

    @staticmethod
    def parse_value(value):
        return value
