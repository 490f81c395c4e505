"""Fill English translations in locale/en/LC_MESSAGES/django.po from core/i18n_en.py and compile.

Korean is the source language of the UI; English is the second. Run after
``manage.py makemessages -l en`` (``make messages`` does both).
"""

from __future__ import annotations

import re
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po
from django.conf import settings
from django.core.management.base import BaseCommand

from core.i18n_en import EN


class Command(BaseCommand):
    help = "Fill English translations from core/i18n_en.py and compile django.mo."

    def handle(self, *args, **options):
        po_path = Path(settings.BASE_DIR) / "locale" / "en" / "LC_MESSAGES" / "django.po"
        with po_path.open("rb") as fh:
            catalog = read_po(fh, locale="en")
        filled = missing = 0
        for message in catalog:
            if not message.id or isinstance(message.id, tuple):
                continue
            key = re.sub(r"\s+", " ", message.id).strip()
            if key in EN:
                message.string = EN[key]
                if "fuzzy" in message.flags:
                    message.flags.discard("fuzzy")
                filled += 1
            elif not message.string:
                missing += 1
        with po_path.open("wb") as fh:
            write_po(fh, catalog, width=100)
        with po_path.with_suffix(".mo").open("wb") as fh:
            write_mo(fh, catalog)
        self.stdout.write(f"English: {filled} translated, {missing} left in Korean.")
