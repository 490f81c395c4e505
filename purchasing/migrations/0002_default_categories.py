"""Seed the report's default categories (DOMAIN.md: 사회적기업 / 사회적협동조합 / 자활기업 /
마을기업 / 예비사회적기업). More categories (e.g. 장애인기업) are added as rows."""

from django.db import migrations

DEFAULT_CATEGORIES = [
    # code, name, certification kinds, statutory
    ("social_enterprise", "사회적기업", ["social_enterprise"], True),
    ("social_coop", "사회적협동조합", ["social_coop"], True),
    ("self_sufficiency", "자활기업", ["self_sufficiency"], True),
    ("village_enterprise", "마을기업", ["village_enterprise"], True),
    ("prelim_social_enterprise", "예비사회적기업", ["prelim_regional", "prelim_ministry"], False),
]


def seed(apps, schema_editor):
    PurchaseCategory = apps.get_model("purchasing", "PurchaseCategory")
    for order, (code, name, kinds, statutory) in enumerate(DEFAULT_CATEGORIES, start=1):
        PurchaseCategory.objects.update_or_create(
            code=code,
            defaults={
                "name": name,
                "kinds": kinds,
                "statutory": statutory,
                "sort_order": order * 10,
            },
        )


def unseed(apps, schema_editor):
    PurchaseCategory = apps.get_model("purchasing", "PurchaseCategory")
    PurchaseCategory.objects.filter(code__in=[c[0] for c in DEFAULT_CATEGORIES]).delete()


class Migration(migrations.Migration):
    dependencies = [("purchasing", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
