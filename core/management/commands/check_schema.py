"""Fail when the committed schema.graphql differs from the schema the code builds."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from graphql import print_schema

from config.schema import schema


class Command(BaseCommand):
    help = "Check that schema.graphql matches the code (run `make schema` to update it)."

    def handle(self, *args, **options):
        path = Path(settings.BASE_DIR) / "schema.graphql"
        current = print_schema(schema.graphql_schema).strip()
        committed = path.read_text(encoding="utf-8").strip() if path.exists() else ""
        if current != committed:
            raise CommandError("schema.graphql is out of date: run `make schema` and commit it.")
        self.stdout.write(self.style.SUCCESS("schema.graphql is up to date."))
