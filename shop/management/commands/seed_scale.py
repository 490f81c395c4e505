"""``python manage.py seed_scale --orgs 2381 --products 100000``: a large generated catalog.

For benchmarks and load tests, not for demos (``load_demo`` makes the demo data). Rows are
written with ``bulk_create`` in batches of thousands — no services, no per-row signals or
index tasks — and the search index is then rebuilt once through the backend.

What it makes (names from the demo vocabulary in ``core.demo_catalog``, combined):

* ``--orgs`` generated organizations of every selling type across the 25 districts (a few
  outside Seoul), each with a verified certification; their 사업자등록번호 are valid and
  live in office codes 800-999, so they never clash with the sample registry;
* vendors for a share of them (``--vendor-share``), whose catalog sizes follow a long tail;
* the demo category tree;
* ``--products`` products (``scale-000000``...) with 1-3 variants each, stock for every variant
  and one image row each (pointing at one shared generated picture per product line).

Idempotent by natural keys: organizations by 사업자등록번호, vendors by slug, products by
slug; a second run with the same numbers creates nothing, a run with larger numbers tops up.
"""

from __future__ import annotations

import bisect
import io
import itertools
import random
import sys
import time
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from core.demo_catalog import (
    CATEGORY_TREE,
    LINES,
    MAX_PRICE,
    Line,
    line_names,
    lines_for,
    name_attributes,
    round_price,
)
from shop.catalog.models import (
    Category,
    Product,
    ProductImage,
    ProductVariant,
    Stock,
    encode_codes,
)
from vendors.districts import DISTRICTS
from vendors.identifiers import brn_check_digit
from vendors.models import Certification, Organization, OrgType, Vendor

SLUG_PREFIX = "scale-"
VENDOR_SLUG_PREFIX = "scale-v"
IMAGE_DIR = "products/scale"

# Share of each organization type (roughly the registry's mix).
TYPE_WEIGHTS: list[tuple[str, int]] = [
    (OrgType.SOCIAL_ENTERPRISE, 33),
    (OrgType.COOP, 15),
    (OrgType.PRELIM_REGIONAL, 14),
    (OrgType.SOCIAL_COOP, 10),
    (OrgType.VILLAGE_ENTERPRISE, 10),
    (OrgType.SELF_SUFFICIENCY, 8),
    (OrgType.PRELIM_MINISTRY, 6),
    (OrgType.SOCIAL_VENTURE, 4),
]
# 사업자등록번호 type digits by organization type (DOMAIN.md "Identifiers").
BRN_TYPE_CODE = {
    OrgType.SOCIAL_ENTERPRISE: "81",
    OrgType.SOCIAL_VENTURE: "86",
    OrgType.COOP: "82",
    OrgType.SOCIAL_COOP: "82",
    OrgType.VILLAGE_ENTERPRISE: "82",
    OrgType.SELF_SUFFICIENCY: "82",
    OrgType.PRELIM_REGIONAL: "87",
    OrgType.PRELIM_MINISTRY: "88",
}
ISSUERS = {
    OrgType.SOCIAL_ENTERPRISE: "고용노동부",
    OrgType.PRELIM_REGIONAL: "서울특별시",
    OrgType.PRELIM_MINISTRY: "농림축산식품부",
    OrgType.SOCIAL_COOP: "기획재정부",
    OrgType.COOP: "서울특별시",
    OrgType.VILLAGE_ENTERPRISE: "행정안전부",
    OrgType.SELF_SUFFICIENCY: "보건복지부",
    OrgType.SOCIAL_VENTURE: "기술보증기금",
}

PLACES = (
    "망원", "연희", "성수", "문래", "해방촌", "길음", "수유", "도봉", "상계", "불광", "신림",
    "봉천", "목동", "화곡", "구로", "가산", "대림", "흑석", "서초", "개포", "잠실", "천호",
    "장위", "창신", "후암", "아현", "면목", "중곡", "왕십리", "청운",
)  # fmt: skip
STEMS = (
    "햇살", "두레", "온기", "초록", "다솜", "늘봄", "새싹", "어울림", "나눔", "한울", "푸른",
    "함께", "소풍", "행복한", "고운", "맑은", "따뜻한", "이음", "누리", "바른", "별빛", "희망",
)  # fmt: skip
# A line's trade words: (name word, 종목).
TRADES: list[tuple[str, str]] = [
    ("베이커리", "제과·제빵"),
    ("쿠키", "과자류"),
    ("떡방앗간", "떡류"),
    ("커피", "커피전문점"),
    ("두부공방", "가공식품"),
    ("반찬가게", "반찬·간편식"),
    ("농부", "친환경 농산물"),
    ("식품", "가공식품"),
    ("목공", "목제품"),
    ("공방", "목가구·공예품"),
    ("클린", "건물 청소·방역"),
    ("봉제", "봉제·의류"),
    ("인쇄", "인쇄·출력물"),
    ("생협", "생활재 공급"),
]
# Extra words and sizes for food and drink, and for goods.
EXTRA_WORDS = ("국산", "수제", "무첨가", "저당", "친환경", "프리미엄", "실속", "햇")
GOODS_WORDS = ("수제", "친환경", "프리미엄", "실속", "핸드메이드")
SIZES = ("", "", "", "미니", "대용량", "2개입", "선물용", "가정용")
GOODS_SIZES = ("", "", "", "미니", "2개입", "선물용")


@dataclass
class VendorRow:
    id: int
    store_name: str
    lines: tuple[str, ...]


def make_brn(index: int, org_type: str) -> str:
    """A valid 사업자등록번호, unique per ``index`` (office codes 800-999; serial 0001-9999,
    since a serial of 0000 is not a valid number)."""
    office = 800 + index // 9_999
    if office > 999:
        raise CommandError("seed_scale supports up to 1,999,800 organizations.")
    first9 = f"{office:03d}{BRN_TYPE_CODE[org_type]}{index % 9_999 + 1:04d}"
    return first9 + str(brn_check_digit(first9))


def org_spec(index: int, seed: int) -> dict:
    """The generated organization number ``index`` (its type does not depend on the seed)."""
    kind_rng = random.Random(index)
    total = sum(w for _, w in TYPE_WEIGHTS)
    pick = kind_rng.randrange(total)
    org_type = next(t for t, w in _cumulative(TYPE_WEIGHTS) if pick < w)
    rng = random.Random(f"{seed}-org-{index}")
    trade, item = rng.choice(TRADES)
    place, stem = rng.choice(PLACES), rng.choice(STEMS)
    if org_type == OrgType.SOCIAL_ENTERPRISE:
        name = f"(주){stem}{trade}"
    elif org_type == OrgType.SOCIAL_COOP:
        name = f"{place}{trade}사회적협동조합"
    elif org_type == OrgType.COOP:
        name = f"{stem}{trade}협동조합"
    elif org_type == OrgType.VILLAGE_ENTERPRISE:
        name = f"{place} 마을{trade}"
    elif org_type == OrgType.SELF_SUFFICIENCY:
        name = f"{stem}{trade} 자활"
    else:
        name = f"{stem} {place}{trade}"
    outside = rng.random() < 0.06
    district = "" if outside else rng.choice(list(DISTRICTS))
    return {
        "index": index,
        "org_type": org_type,
        "brn": make_brn(index, org_type),
        "name": name,
        "business_item": item,
        "district": district,
        "province": "경기도" if outside else "서울특별시",
        "address": (
            f"경기도 고양시 일산동구 중앙로 {rng.randint(1, 1400)}"
            if outside
            else f"서울특별시 {DISTRICTS[district]} {place}로 {rng.randint(1, 300)}"
        ),
        "representative": rng.choice("김이박최정강조윤장임") + rng.choice(STEMS)[:2],
        "phone": f"02-{rng.randint(200, 999)}-{rng.randint(1000, 9999)}",
        "rng": rng,
    }


def _cumulative(weights: list[tuple[str, int]]) -> list[tuple[str, int]]:
    out, acc = [], 0
    for key, weight in weights:
        acc += weight
        out.append((key, acc))
    return out


class Command(BaseCommand):
    help = (
        "벤치마크용 대량 데이터를 만듭니다 (bulk insert): 조직, 입점 기업, 분류, 상품·옵션·재고, "
        "그리고 검색 색인. / Seed a large generated catalog for benchmarks."
    )

    def add_arguments(self, parser):
        parser.add_argument("--orgs", type=int, default=2381, help="생성할 조직 수 (기본 2381)")
        parser.add_argument("--products", type=int, default=100_000, help="상품 수 (기본 100000)")
        parser.add_argument("--seed", type=int, default=1, help="난수 씨앗 (기본 1)")
        parser.add_argument(
            "--vendor-share", type=float, default=0.3, help="입점 기업이 되는 조직 비율 (0.3)"
        )
        parser.add_argument(
            "--batch-size", type=int, default=5000, help="한 번에 넣는 상품 수 (5000)"
        )
        parser.add_argument("--no-index", action="store_true", help="검색 색인을 만들지 않음")
        parser.add_argument("--no-progress", action="store_true", help="진행 막대를 표시하지 않음")

    # --- entry point -------------------------------------------------------------------

    def handle(self, *args, **options):
        n_orgs, n_products = options["orgs"], options["products"]
        if n_orgs < 1 or n_products < 0:
            raise CommandError("--orgs must be ≥ 1 and --products ≥ 0.")
        self.seed = options["seed"]
        self.batch = max(100, options["batch_size"])
        self.progress = not options["no_progress"] and sys.stderr.isatty()
        timings: list[tuple[str, float]] = []
        started = time.monotonic()

        t = time.monotonic()
        orgs_made = self.seed_orgs(n_orgs)
        vendors, vendors_made = self.seed_vendors(n_orgs, options["vendor_share"])
        categories = self.seed_categories()
        timings.append(("조직·입점 기업 orgs+vendors", time.monotonic() - t))

        t = time.monotonic()
        products_made, variants_made = self.seed_products(n_products, vendors, categories)
        self.analyze()
        seconds = time.monotonic() - t
        timings.append(("상품 products", seconds))
        self.stdout.write(
            f"조직 {orgs_made:,}개, 입점 기업 {vendors_made:,}곳, 상품 {products_made:,}개, "
            f"옵션 {variants_made:,}개 생성"
            + (f" ({products_made / seconds:,.0f} 상품/s)" if products_made and seconds else "")
        )

        if not options["no_index"]:
            t = time.monotonic()
            indexed, backend = self.rebuild_index()
            seconds = time.monotonic() - t
            timings.append((f"검색 색인 index ({backend})", seconds))
            rate = f", {indexed / seconds:,.0f} 상품/s" if indexed and seconds else ""
            self.stdout.write(f"검색 색인 {indexed:,}개, {seconds:.1f}초{rate}")

        total = time.monotonic() - started
        for label, seconds in timings:
            self.stdout.write(f"  {label:<30} {seconds:8.1f} s")
        self.stdout.write(
            self.style.SUCCESS(
                f"완료 / done in {total:.1f} s: 상품 {self.scale_products():,}개 "
                f"({connection.vendor})"
            )
        )

    # --- organizations and vendors -------------------------------------------------------

    def seed_orgs(self, n: int) -> int:
        specs = [org_spec(i, self.seed) for i in range(n)]
        existing: set[str] = set()
        brns = [s["brn"] for s in specs]
        for start in range(0, len(brns), 900):
            existing.update(
                Organization.objects.filter(brn__in=brns[start : start + 900]).values_list(
                    "brn", flat=True
                )
            )
        todo = [s for s in specs if s["brn"] not in existing]
        if not todo:
            return 0
        now = timezone.now()
        today = timezone.localdate()
        with transaction.atomic():
            orgs = Organization.objects.bulk_create(
                [
                    Organization(
                        name=s["name"],
                        org_type=s["org_type"],
                        brn=s["brn"],
                        representative=s["representative"],
                        phone=s["phone"],
                        address=s["address"],
                        district=s["district"],
                        province=s["province"],
                        business_category="제조업" if "제" in s["business_item"] else "도소매업",
                        business_item=s["business_item"],
                    )
                    for s in todo
                ],
                batch_size=self.batch,
            )
            if any(o.pk is None for o in orgs):  # a backend that cannot return ids
                by_brn = dict(
                    Organization.objects.filter(brn__in=[s["brn"] for s in todo]).values_list(
                        "brn", "pk"
                    )
                )
                for o in orgs:
                    o.pk = by_brn[o.brn]
            certs = []
            for s, org in zip(todo, orgs, strict=True):
                rng = s["rng"]
                year = rng.randint(2010, 2025)
                valid_from = today.replace(year=year, month=rng.randint(1, 12), day=1)
                valid_until = None
                if s["org_type"] in (OrgType.PRELIM_REGIONAL, OrgType.PRELIM_MINISTRY):
                    # Three years; recent designations are still valid.
                    valid_from = today.replace(year=today.year - rng.randint(0, 4), day=1)
                    valid_until = valid_from.replace(year=valid_from.year + 3)
                certs.append(
                    Certification(
                        organization_id=org.pk,
                        kind=s["org_type"],
                        number=f"제{valid_from.year}-{s['index'] % 1000:03d}호",
                        issuer=ISSUERS[s["org_type"]],
                        valid_from=valid_from,
                        valid_until=valid_until,
                        verified_at=now,
                    )
                )
            Certification.objects.bulk_create(certs, batch_size=self.batch)
        return len(todo)

    def seed_vendors(self, n_orgs: int, share: float) -> tuple[list[VendorRow], int]:
        rng = random.Random(f"{self.seed}-vendors")
        specs = {s["brn"]: s for s in (org_spec(i, self.seed) for i in range(n_orgs))}
        chosen = sorted(b for b in specs if rng.random() < share) or [next(iter(specs))]
        orgs = {}
        for start in range(0, len(chosen), 900):
            orgs.update(
                Organization.objects.filter(brn__in=chosen[start : start + 900]).values_list(
                    "brn", "pk"
                )
            )
        existing = set(
            Vendor.objects.filter(organization_id__in=list(orgs.values())).values_list(
                "organization_id", flat=True
            )
        )
        todo = [b for b in chosen if b in orgs and orgs[b] not in existing]
        if todo:
            Vendor.objects.bulk_create(
                [
                    Vendor(
                        organization_id=orgs[b],
                        store_name=specs[b]["name"].replace("(주)", ""),
                        slug=f"{VENDOR_SLUG_PREFIX}{specs[b]['index']:06d}",
                        description=f"{specs[b]['name']}의 상점입니다.",
                        mission="취약계층에게 일자리를 제공하고 이익을 지역사회에 환원합니다.",
                        commission_rate=Decimal(settings.DEFAULT_COMMISSION_RATE),
                    )
                    for b in todo
                ],
                batch_size=self.batch,
                ignore_conflicts=True,
            )
        rows = []
        for vendor_id, name, brn, item in (
            Vendor.objects.filter(organization_id__in=list(orgs.values()))
            .order_by("organization__brn")
            .values_list("id", "store_name", "organization__brn", "organization__business_item")
        ):
            rows.append(VendorRow(vendor_id, name, lines_for(name, item, position=int(brn[-3:]))))
        return rows, len(todo)

    def seed_categories(self) -> dict[str, int]:
        by_slug = dict(Category.objects.values_list("slug", "pk"))
        for order, (slug, name, description, children) in enumerate(CATEGORY_TREE):
            if slug not in by_slug:
                by_slug[slug] = Category.objects.create(
                    slug=slug, name=name, description=description, sort_order=order
                ).pk
            for child_order, (child, child_name) in enumerate(children):
                if child not in by_slug:
                    by_slug[child] = Category.objects.create(
                        slug=child, name=child_name, parent_id=by_slug[slug], sort_order=child_order
                    ).pk
        return by_slug

    # --- products ----------------------------------------------------------------------

    def scale_products(self) -> int:
        return Product.objects.filter(slug__startswith=SLUG_PREFIX).count()

    def seed_products(
        self, n: int, vendors: list[VendorRow], categories: dict[str, int]
    ) -> tuple[int, int]:
        have = self.scale_products()
        if have >= n:
            return 0, 0
        if not vendors:
            raise CommandError("No vendors to own the products.")
        images = self.shared_images()
        rng = random.Random(f"{self.seed}-products-{have}")
        # A long tail: a few vendors sell thousands of products, most sell a few dozen.
        weights = list(
            itertools.accumulate(1.0 / (rank + 1) ** 0.8 for rank in range(len(vendors)))
        )
        order = list(range(len(vendors)))
        random.Random(f"{self.seed}-tail").shuffle(order)
        bar = self.bar(total=n - have, unit="상품", desc="상품 생성")
        made_variants = 0
        for start in range(have, n, self.batch):
            stop = min(start + self.batch, n)
            with transaction.atomic():
                products, plans, line_keys = [], [], []
                for index in range(start, stop):
                    vendor = vendors[order[bisect.bisect(weights, rng.random() * weights[-1])]]
                    product, plan, line_key = self.product(index, vendor, categories, rng)
                    products.append(product)
                    plans.append(plan)
                    line_keys.append(line_key)
                Product.objects.bulk_create(products, batch_size=self.batch)
                if any(p.pk is None for p in products):
                    ids = dict(
                        Product.objects.filter(slug__in=[p.slug for p in products]).values_list(
                            "slug", "pk"
                        )
                    )
                    for p in products:
                        p.pk = ids[p.slug]
                variants = [
                    ProductVariant(product_id=p.pk, **fields)
                    for p, plan in zip(products, plans, strict=True)
                    for fields, _ in plan
                ]
                ProductVariant.objects.bulk_create(variants, batch_size=self.batch)
                if any(v.pk is None for v in variants):
                    ids = dict(
                        ProductVariant.objects.filter(
                            sku__in=[v.sku for v in variants]
                        ).values_list("sku", "pk")
                    )
                    for v in variants:
                        v.pk = ids[v.sku]
                quantities = [q for plan in plans for _, q in plan]
                Stock.objects.bulk_create(
                    [
                        Stock(variant_id=v.pk, quantity=q)
                        for v, q in zip(variants, quantities, strict=True)
                    ],
                    batch_size=self.batch,
                )
                ProductImage.objects.bulk_create(
                    [
                        ProductImage(
                            product_id=p.pk,
                            image=images[plan_line][0],
                            thumbnail=images[plan_line][1],
                            alt=p.name,
                        )
                        for p, plan_line in zip(products, line_keys, strict=True)
                    ],
                    batch_size=self.batch,
                )
                made_variants += len(variants)
            bar.update(stop - start)
        bar.close()
        return n - have, made_variants

    def product(
        self, index: int, vendor: VendorRow, categories: dict[str, int], rng: random.Random
    ) -> tuple[Product, list[tuple[dict, int]], str]:
        line = LINES[rng.choice(vendor.lines)]
        name, overrides = self.product_name(line, rng)
        attrs = _attributes(line, name, overrides)
        origin = rng.choice(line.origins)
        flag = rng.random()
        product = Product(
            vendor_id=vendor.id,
            category_id=categories[line.category],
            name=name,
            slug=f"{SLUG_PREFIX}{index:06d}",
            description=f"{vendor.store_name}의 {name}. {line.blurb}",
            seo_title=f"{name} | {vendor.store_name}",
            origin=origin,
            kind=attrs["kind"],
            tax_type=attrs["tax_type"],
            allergen_codes=encode_codes(attrs["allergens"]),
            dietary_codes=encode_codes(attrs["dietary_tags"]),
            certification_marks=attrs["certification_marks"],
            is_published=flag > 0.03,
            is_featured=flag > 0.97,
        )
        lo, hi = line.price
        base = round_price(rng.uniform(lo, hi))
        plan = []
        for k, spec in enumerate(line.variants[: rng.choice((1, 1, 2, 2, 2, 3))]):
            price = round_price(base * spec.multiplier)
            if price > MAX_PRICE:
                break
            plan.append(
                (
                    {
                        "sku": f"SC{index:06d}-{k + 1}",
                        "name": spec.label,
                        "price": price,
                        "weight_grams": spec.weight_grams,
                        "servings": spec.servings if attrs["kind"] != "other" else 1,
                        "sort_order": k,
                    },
                    0 if rng.random() < 0.05 else rng.randrange(1, 500),
                )
            )
        # The price range the variant services keep (listing sort and price filter).
        prices = [fields["price"] for fields, _ in plan]
        product.min_price, product.max_price = min(prices), max(prices)
        return product, plan, line.key

    @staticmethod
    def product_name(line: Line, rng: random.Random) -> tuple[str, dict]:
        if rng.random() < 0.25:
            return rng.choice(line_names(line))
        prefixes, bases, suffixes = line.vocab
        words = [rng.choice(prefixes), rng.choice(bases)]
        if words[0] and words[0] in words[1]:
            words[0] = ""
        goods = line.kind == "other"
        if rng.random() < 0.2:
            words.insert(0, rng.choice(GOODS_WORDS if goods else EXTRA_WORDS))
        words.append(rng.choice(suffixes) or rng.choice(GOODS_SIZES if goods else SIZES))
        return " ".join(w for w in words if w), {}

    def shared_images(self) -> dict[str, tuple[str, str]]:
        """One generated picture (and thumbnail) per product line, shared by its products."""
        from PIL import Image

        from core.demo import _category_name, product_card

        top_of = {child: top for top, _, _, children in CATEGORY_TREE for child, _ in children}
        out = {}
        for key, line in LINES.items():
            image, thumb = f"{IMAGE_DIR}/{key}.jpg", f"{IMAGE_DIR}/{key}-thumb.webp"
            if not default_storage.exists(image):
                data = product_card(
                    title=_category_name(line.category),
                    subtitle="누리 대량 데이터",
                    badge=_category_name(line.category),
                    top_category=top_of.get(line.category, line.category),
                    size=512,
                )
                default_storage.save(image, ContentFile(data))
                small = io.BytesIO()
                with Image.open(io.BytesIO(data)) as img:
                    img.thumbnail((400, 400))
                    img.save(small, "WEBP", quality=80)
                default_storage.save(thumb, ContentFile(small.getvalue()))
            out[key] = (image, thumb)
        return out

    def analyze(self) -> None:
        """Fresh planner statistics after a bulk load (the query plans depend on them)."""
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")

    # --- search index ------------------------------------------------------------------

    def rebuild_index(self) -> tuple[int, str]:
        from shop.search.registry import get_backend

        backend = get_backend()
        bar = self.bar(total=None, unit="상품", desc=f"검색 색인 ({backend.name})")

        def progress(done: int, total: int) -> None:
            if bar.total != total:
                bar.total = total
                bar.refresh()
            bar.update(done - bar.n)

        try:
            count = backend.rebuild(progress=progress)
        finally:
            bar.close()
        return count, backend.name

    def bar(self, **kwargs):
        from tqdm import tqdm

        return tqdm(file=sys.stderr, disable=not self.progress, dynamic_ncols=True, **kwargs)


_attr_cache: dict[tuple[str, str, str], dict] = {}


def _attributes(line: Line, name: str, overrides: dict) -> dict:
    """``name_attributes`` memoized: generated names repeat a lot."""
    key = (line.key, name, repr(sorted(overrides.items())))
    attrs = _attr_cache.get(key)
    if attrs is None:
        attrs = _attr_cache[key] = name_attributes(line, name, overrides)
    return attrs
