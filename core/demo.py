"""Demo data for ``make run``: ``python manage.py load_demo`` (see ``demo_load``).

Everything goes through the real services, so the demo shows what the product does:

1. users: the centre's staff superuser and the demo accounts (``DEMO_ACCOUNTS``);
2. the sample registry (``vendors/data/registry_sample.csv``) through ``registry_import``;
3. program participations through ``vendors.programs.participation_create``;
4. vendors of every organization type in many districts, each applied for with
   ``application_submit`` and approved by the staff user with ``application_approve``;
   plus one pending application (``applicant@nuri.local``);
5. the category tree, a few hundred products with variants and stock through the catalog
   services, and a generated picture per product (Pillow, Nanum Gothic) through
   ``product_image_add``;
6. a rebuild of the search index (the catalog writes already queue index updates, one
   batch per transaction; the rebuild makes the index whole, whatever was there before).

Idempotent: every step looks its objects up by a natural key (e-mail, 사업자등록번호,
(cycle, organization), category and product slug) and creates only what is missing, so a
second run writes nothing and takes a second or two.
"""

from __future__ import annotations

import hashlib
import io
import logging
import random
import textwrap
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone
from django.utils.text import slugify

from accounts.models import User
from core.demo_catalog import (
    CATEGORY_STYLE,
    CATEGORY_TREE,
    LINES,
    MAX_PRICE,
    Line,
    has_line_keyword,
    line_names,
    lines_for,
    name_attributes,
    round_price,
)
from core.errors import DomainError, DomainErrors
from vendors.models import (
    ApplicationStatus,
    Organization,
    OrgType,
    Participation,
    ProgramCycle,
    Vendor,
    VendorApplication,
    VendorStaff,
)

logger = logging.getLogger(__name__)

REGISTRY_SAMPLE = Path(settings.BASE_DIR) / "vendors" / "data" / "registry_sample.csv"

ADMIN_EMAIL, ADMIN_PASSWORD = "admin@nuri.local", "nuri-admin"
OWNER_EMAIL, APPLICANT_EMAIL, DEMO_PASSWORD = (
    "owner@nuri.local",
    "applicant@nuri.local",
    "nuri-demo-1234",
)
# The other vendors are owned by seller-<brn>@demo.nuri.local, without a usable password
# (staff can set one in the admin).
SELLER_DOMAIN = "demo.nuri.local"

DEMO_ACCOUNTS = [
    (ADMIN_EMAIL, ADMIN_PASSWORD, "센터 직원 (관리자 /admin/)"),
    (OWNER_EMAIL, DEMO_PASSWORD, "입점 기업 대표 관리자"),
    (APPLICANT_EMAIL, DEMO_PASSWORD, "입점 신청자 (심사 대기)"),
    ("buyer@nuri.local", DEMO_PASSWORD, "공공기관 구매 담당자 (/agency/)"),
]

# The owner's organization (a bakery: 쌀과자, 쿠키) and the applicant's (a tofu workshop).
OWNER_BRN = "1248100998"
APPLICANT_NAME_HINT = "두부공방"

# Vendors per organization type (37 in all): every selling type, social enterprises most.
VENDOR_QUOTA: dict[str, int] = {
    OrgType.SOCIAL_ENTERPRISE: 10,
    OrgType.PRELIM_REGIONAL: 4,
    OrgType.PRELIM_MINISTRY: 3,
    OrgType.SOCIAL_COOP: 4,
    OrgType.COOP: 5,
    OrgType.VILLAGE_ENTERPRISE: 4,
    OrgType.SELF_SUFFICIENCY: 4,
    OrgType.SOCIAL_VENTURE: 3,
}
PRODUCT_TARGET = 340

MISSIONS: dict[str, str] = {
    OrgType.SOCIAL_ENTERPRISE: "발달장애인과 경력단절 여성 {n}명이 함께 일하며, 이익의 3분의 2를 "
    "일자리와 지역사회에 다시 씁니다.",
    OrgType.PRELIM_REGIONAL: "{district} 주민이 만든 예비사회적기업으로, 동네 어르신과 청년 "
    "{n}명에게 일자리를 만듭니다.",
    OrgType.PRELIM_MINISTRY: "지역 농가와 직거래해 정당한 값을 드리고, 취약계층 청년 {n}명을 "
    "고용합니다.",
    OrgType.SOCIAL_COOP: "조합원 {n}명이 함께 소유하고 운영하는 사회적협동조합입니다. 잉여금은 "
    "배당하지 않고 지역 돌봄에 씁니다.",
    OrgType.COOP: "생산자와 소비자 {n}명이 모인 협동조합입니다. 좋은 먹거리와 공정한 거래를 "
    "지향합니다.",
    OrgType.VILLAGE_ENTERPRISE: "{district} 마을 주민 {n}명이 마을의 자원으로 소득과 일자리를 "
    "만드는 마을기업입니다.",
    OrgType.SELF_SUFFICIENCY: "저소득 주민 {n}명이 함께 일하며 자립을 준비하는 자활기업입니다.",
    OrgType.SOCIAL_VENTURE: "기술로 사회문제를 푸는 청년 소셜벤처입니다. 판매 수익으로 {n}개 "
    "지역아동센터에 간식을 보냅니다.",
}
BANKS = ["국민은행", "신한은행", "우리은행", "하나은행", "농협은행", "기업은행", "새마을금고"]

# Participations: (program code, cohort, status, grant per organization, how many).
PARTICIPATIONS: list[tuple[str, str, str, int, int]] = [
    ("moim", "", "completed", 2_000_000, 6),
    ("wikiseoul", "1기", "completed", 5_000_000, 4),
    ("wikiseoul", "2기", "active", 5_000_000, 3),
    ("wikiseoul", "3기", "selected", 5_000_000, 3),
    ("district", "", "active", 40_000_000, 3),
    ("cluster", "", "selected", 400_000_000, 1),
    ("cooperation", "상반기", "completed", 20_000_000, 3),
    ("cooperation", "하반기", "applied", 0, 3),
    ("consulting", "기초컨설팅", "completed", 0, 5),
    ("consulting", "전문컨설팅", "active", 0, 3),
    ("academy", "", "completed", 0, 6),
    ("innovation", "", "active", 70_000_000, 4),
    ("hero", "", "selected", 0, 4),
    ("prelim_designation", "하반기", "selected", 0, 3),
    ("youth", "", "dropped", 0, 1),
]


@dataclass
class DemoSummary:
    steps: list[tuple[str, str]] = field(default_factory=list)
    created_anything: bool = False
    seconds: float = 0.0

    def add(self, label: str, text: str, *, created: int = 0) -> None:
        self.steps.append((label, text))
        if created:
            self.created_anything = True

    def as_text(self) -> str:
        width = max(len(label) for label, _ in self.steps) if self.steps else 0
        lines = [f"  {label.ljust(width)}  {text}" for label, text in self.steps]
        lines.append("")
        lines.append("데모 계정 / Demo accounts:")
        for email, password, role in DEMO_ACCOUNTS:
            lines.append(f"  {email:<24} {password:<16} {role}")
        return "\n".join(lines)


Log = Callable[[str], None]


def _noop(_: str) -> None:
    pass


# --------------------------------------------------------------------------------------
# 1. Users
# --------------------------------------------------------------------------------------


def _user(email: str, *, password: str | None, name: str, staff: bool = False) -> tuple[User, bool]:
    user = User.objects.filter(email=email).first()
    if user is not None:
        return user, False
    if staff:
        return User.objects.create_superuser(email, password, name=name), True
    # No password: an unusable one (cheap, no hashing) for the generated sellers.
    return User.objects.create_user(email, password, name=name), True


def demo_users() -> tuple[dict[str, User], int]:
    admin, a = _user(ADMIN_EMAIL, password=ADMIN_PASSWORD, name="센터 관리자", staff=True)
    owner, b = _user(OWNER_EMAIL, password=DEMO_PASSWORD, name="이슬기")
    applicant, c = _user(APPLICANT_EMAIL, password=DEMO_PASSWORD, name="박두부")
    return {"admin": admin, "owner": owner, "applicant": applicant}, a + b + c


# --------------------------------------------------------------------------------------
# 2. Registry
# --------------------------------------------------------------------------------------


def demo_registry(path: Path = REGISTRY_SAMPLE):
    from vendors.registry_import import registry_import

    return registry_import(source=path)


# --------------------------------------------------------------------------------------
# 3. Participations
# --------------------------------------------------------------------------------------


def demo_participations(*, actor) -> int:
    """Participations of registry organizations in the 2014 cycles (by natural key)."""
    from vendors.programs import participation_create

    orgs = list(Organization.objects.exclude(brn=None).order_by("brn"))
    if not orgs:
        return 0
    rng = random.Random(2014)
    cycles = {
        (c.program.code, c.cohort): c
        for c in ProgramCycle.objects.filter(year=2014).select_related("program")
    }
    existing = set(Participation.objects.values_list("cycle_id", "organization_id"))
    created = 0
    for code, cohort, status, amount, count in PARTICIPATIONS:
        cycle = cycles.get((code, cohort))
        if cycle is None:
            continue
        chosen = rng.sample(orgs, min(count, len(orgs)))
        for org in chosen:
            if (cycle.pk, org.pk) in existing:
                continue
            try:
                participation_create(
                    cycle=cycle,
                    organization=org,
                    actor=actor,
                    status=status,
                    amount_granted=amount if cycle.budget else 0,
                    notes="데모 데이터",
                )
            except DomainError:  # e.g. staff already spent the cycle's budget: leave it
                continue
            existing.add((cycle.pk, org.pk))
            created += 1
    return created


# --------------------------------------------------------------------------------------
# 4. Vendors through onboarding
# --------------------------------------------------------------------------------------


def store_name_of(org: Organization) -> str:
    name = org.name
    for prefix in ("(주)", "(사)", "(유)", "주식회사 ", "협동조합 ", "사단법인 "):
        name = name.replace(prefix, "")
    return name.strip() or org.name


def _eligible_orgs(on) -> list[Organization]:
    from vendors.eligibility import organization_can_sell

    orgs = (
        Organization.objects.exclude(brn=None)
        .exclude(org_type=OrgType.PROSPECTIVE)
        .prefetch_related("certifications")
        .order_by("brn")
    )
    return [o for o in orgs if organization_can_sell(o, on=on).eligible]


def _pick_vendors(candidates: list[Organization], exclude: set[int]) -> list[Organization]:
    """The quota of each type, greedily preferring goods makers whose product lines are not
    covered yet, then districts not taken yet, then the lowest 사업자등록번호."""
    chosen: list[Organization] = []
    districts: set[str] = set()
    covered: set[str] = set()

    def take(org: Organization) -> None:
        chosen.append(org)
        districts.add(org.district)
        covered.update(_lines_of(org))

    owner = next((o for o in candidates if o.brn == OWNER_BRN), None)
    if owner is not None:
        take(owner)
    for org_type, quota in VENDOR_QUOTA.items():
        pool = [
            o
            for o in candidates
            if o.org_type == org_type and o.pk not in exclude and o not in chosen
        ]
        have = sum(1 for o in chosen if o.org_type == org_type)
        for _ in range(max(quota - have, 0)):
            if not pool:
                break
            best = min(
                pool,
                key=lambda o: (
                    not has_line_keyword(o.name, o.business_item),
                    -len(set(_lines_of(o)) - covered),
                    bool(o.district) and o.district in districts,
                    o.brn,
                ),
            )
            pool.remove(best)
            take(best)
    return chosen


def _lines_of(org: Organization) -> tuple[str, ...]:
    if not has_line_keyword(org.name, org.business_item):
        return ()
    return lines_for(org.name, org.business_item)


def _seller_email(org: Organization) -> str:
    return f"seller-{org.brn}@{SELLER_DOMAIN}"


def _application_details(org: Organization, index: int) -> dict:
    rng = random.Random(org.brn)
    mission = MISSIONS.get(org.org_type, MISSIONS[OrgType.SOCIAL_ENTERPRISE]).format(
        n=rng.randint(4, 30), district=org.district_name or "서울"
    )
    item = org.business_item or org.business_category or "사회적경제 상품"
    return {
        "store_name": store_name_of(org),
        "description": f"{store_name_of(org)}은(는) {org.district_name or org.province or '서울'}"
        f"에서 {item}을(를) 하는 {org.get_org_type_display()}입니다.",
        "mission": mission,
        "contact_phone": org.phone or "02-353-3553",
    }


def _approve_options(org: Organization, index: int) -> dict:
    rng = random.Random(f"approve-{org.brn}")
    free_over = rng.choice([30_000, 50_000, 50_000, None])
    return {
        "shipping_base_fee": rng.choice([2_500, 3_000, 3_000, 3_500]),
        "shipping_free_over": free_over,
        "bank_name": BANKS[index % len(BANKS)],
        "bank_account_holder": org.name,
        "bank_account_number": f"{rng.randint(100, 999)}-{rng.randint(10, 99)}-"
        f"{rng.randint(100000, 999999)}",
        "note": "데모 데이터: 등록부 인증 확인 완료",
    }


@contextmanager
def _quiet() -> Iterator[None]:
    """Demo data sends no e-mail (the console backend would print every onboarding mail), and
    the eager Celery tasks (mails, index updates) do not log a line each."""
    loggers = {name: logging.getLogger(name) for name in ("celery.app.trace", "kombu.connection")}
    levels = {name: log.level for name, log in loggers.items()}
    for log in loggers.values():
        log.setLevel(logging.ERROR)
    try:
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"):
            yield
    finally:
        for name, log in loggers.items():
            log.setLevel(levels[name])


def demo_vendors(*, users: dict[str, User], on=None) -> tuple[list[Vendor], int, bool]:
    """Approve vendors through the onboarding services; return (vendors, created, pending made)."""
    from vendors.onboarding import application_submit

    on = on or timezone.localdate()
    owner, applicant = users["owner"], users["applicant"]
    candidates = _eligible_orgs(on)
    # The applicant's organization is kept out of the vendors.
    pending = VendorApplication.objects.filter(applicant=applicant).select_related("organization")
    applicant_org = next((a.organization for a in pending), None)
    if applicant_org is None:
        applicant_org = next(
            (o for o in candidates if APPLICANT_NAME_HINT in o.name and not _is_vendor(o)),
            None,
        ) or next((o for o in reversed(candidates) if not _is_vendor(o)), None)

    demo_vendor_orgs = set(
        VendorStaff.objects.filter(user__email__endswith=f"@{SELLER_DOMAIN}").values_list(
            "vendor__organization_id", flat=True
        )
    ) | set(
        VendorStaff.objects.filter(user=owner).values_list("vendor__organization_id", flat=True)
    )
    exclude = {applicant_org.pk} if applicant_org is not None else set()
    chosen = _pick_vendors(candidates, exclude)
    # Organizations already made demo vendors stay, whatever today's pick.
    chosen_ids = {o.pk for o in chosen}
    chosen += [
        o for o in Organization.objects.filter(pk__in=demo_vendor_orgs) if o.pk not in chosen_ids
    ]

    created = 0
    for index, org in enumerate(chosen):
        if _is_vendor(org):
            continue
        try:
            created += _onboard(org, index, users=users, on=on)
        except (DomainError, DomainErrors) as exc:  # e.g. an application in review
            logger.warning("demo: %s not onboarded: %s", org.name, exc)
    made_pending = False
    if applicant_org is not None and not pending.exists():
        details = _application_details(applicant_org, 0)
        details["mission"] += " 입점 후 두부 정기배송을 시작하려고 합니다."
        application_submit(applicant=applicant, brn=applicant_org.brn, **details)
        made_pending = True

    vendors = list(
        Vendor.objects.filter(organization__in=[o.pk for o in chosen])
        .select_related("organization")
        .order_by("organization__brn")
    )
    return vendors, created, made_pending


@transaction.atomic
def _onboard(org: Organization, index: int, *, users: dict[str, User], on) -> int:
    """Apply for ``org`` as its (demo) owner and approve as the centre's staff user."""
    from vendors.onboarding import application_approve, application_submit

    user = users["owner"] if org.brn == OWNER_BRN else None
    if user is None:
        user, _ = _user(_seller_email(org), password=None, name=org.representative or org.name)
    application = (
        VendorApplication.objects.filter(organization=org, status=ApplicationStatus.SUBMITTED)
        .order_by("-pk")
        .first()
    )
    if application is None:
        application = application_submit(
            applicant=user, brn=org.brn, **_application_details(org, index)
        )
    application_approve(
        application=application, actor=users["admin"], on=on, **_approve_options(org, index)
    )
    return 1


def _is_vendor(org: Organization) -> bool:
    return Vendor.objects.filter(organization=org).exists()


# --------------------------------------------------------------------------------------
# 5. Catalog
# --------------------------------------------------------------------------------------


def demo_categories() -> tuple[dict[str, object], int]:
    from shop.catalog.models import Category

    by_slug = {c.slug: c for c in Category.objects.all()}
    created = 0
    for order, (slug, name, description, children) in enumerate(CATEGORY_TREE):
        parent = by_slug.get(slug)
        if parent is None:
            parent = Category.objects.create(
                slug=slug, name=name, description=description, sort_order=order
            )
            by_slug[slug] = parent
            created += 1
        for child_order, (child_slug, child_name) in enumerate(children):
            if child_slug not in by_slug:
                by_slug[child_slug] = Category.objects.create(
                    slug=child_slug, name=child_name, parent=parent, sort_order=child_order
                )
                created += 1
    return by_slug, created


@dataclass
class VariantPlan:
    sku: str
    name: str
    price: int
    weight_grams: int | None
    servings: int
    quantity: int
    sort_order: int


@dataclass
class ProductPlan:
    vendor: Vendor
    line: Line
    name: str
    slug: str
    data: dict
    variants: list[VariantPlan]
    top_category: str


def _code(*parts: str) -> str:
    return hashlib.sha1(":".join(parts).encode()).hexdigest()[:6]


def _describe(line: Line, name: str, vendor: Vendor, origin: str) -> str:
    mission = (vendor.mission or "").split(".")[0].strip()
    text = f"{vendor.store_name}의 {name}. {line.blurb}\n\n원산지: {origin}."
    if mission:
        text += f"\n\n이 상품을 사면: {mission}."
    return text


def plan_products(vendors: list[Vendor], *, target: int = PRODUCT_TARGET) -> list[ProductPlan]:
    """Deterministic product plans: round-robin over vendors, each from its own lines.

    Names are unique across the demo: a name another vendor already sells is skipped, and a
    vendor whose list runs out gets names made from its line's vocabulary.
    """
    top_of = {child: top for top, _, _, children in CATEGORY_TREE for child, _ in children}
    top_of.update({top: top for top, _, _, _ in CATEGORY_TREE})
    queues: list[list[tuple[Line, str, dict]]] = []
    extra: list[list[tuple[Line, str, dict]]] = []
    for position, vendor in enumerate(vendors):
        org = vendor.organization
        keys = lines_for(org.name, org.business_item, position=position)
        rng = random.Random(f"lines-{org.brn}")
        per_line = []
        for key in keys:
            names = line_names(LINES[key])
            start = rng.randrange(len(names))
            per_line.append(
                [(LINES[key], *names[(start + i) % len(names)]) for i in range(len(names))]
            )
        # Interleave the vendor's lines: the first of each line, then the second of each...
        longest = max(len(p) for p in per_line)
        queues.append([p[i] for i in range(longest) for p in per_line if i < len(p)])
        extra.append(_vocab_names([LINES[k] for k in keys], rng))

    plans: list[ProductPlan] = []
    used: set[str] = set()
    cursors = [0] * len(vendors)
    extra_cursors = [0] * len(vendors)
    progress = True
    while len(plans) < target and progress:
        progress = False
        for i, vendor in enumerate(vendors):
            if len(plans) >= target:
                break
            item = None
            while cursors[i] < len(queues[i]) and item is None:
                candidate = queues[i][cursors[i]]
                cursors[i] += 1
                if candidate[1] not in used:
                    item = candidate
            while item is None and extra_cursors[i] < len(extra[i]):
                candidate = extra[i][extra_cursors[i]]
                extra_cursors[i] += 1
                if candidate[1] not in used:
                    item = candidate
            if item is None:
                continue
            line, name, overrides = item
            used.add(name)
            plans.append(_plan_one(vendor, line, name, overrides, top_of))
            progress = True
    return plans


def _vocab_names(lines: list[Line], rng: random.Random) -> list[tuple[Line, str, dict]]:
    """Names made from the lines' vocabulary (prefix + base + suffix), shuffled."""
    out = []
    for line in lines:
        prefixes, bases, suffixes = line.vocab
        for prefix in prefixes:
            for base in bases:
                if prefix and prefix in base:
                    continue
                for suffix in dict.fromkeys(suffixes):
                    out.append((line, " ".join(w for w in (prefix, base, suffix) if w), {}))
    rng.shuffle(out)
    return out


def _plan_one(vendor: Vendor, line: Line, name: str, overrides: dict, top_of) -> ProductPlan:
    brn = vendor.organization.brn
    code = _code(brn, name)
    rng = random.Random(code)
    attrs = name_attributes(line, name, overrides)
    origin = rng.choice(line.origins)
    lo, hi = line.price
    base = round_price(rng.uniform(lo, hi))
    n_variants = 1 + int(code, 16) % min(3, len(line.variants))
    variants: list[VariantPlan] = []
    for index, spec in enumerate(line.variants[:n_variants]):
        price = round_price(base * spec.multiplier)
        if price > MAX_PRICE:
            break
        sold_out = rng.random() < 0.05
        variants.append(
            VariantPlan(
                sku=f"D{code.upper()}-{index + 1}",
                name=spec.label,
                price=price,
                weight_grams=spec.weight_grams,
                servings=spec.servings if attrs["kind"] != "other" else 1,
                quantity=0 if sold_out else rng.randrange(5, 400),
                sort_order=index,
            )
        )
    flag = int(code[:4], 16)
    must_show = line.key == "rice_snacks" or "유기농" in name
    data = {
        "name": name,
        "description": _describe(line, name, vendor, origin),
        "seo_title": f"{name} | {vendor.store_name}",
        "seo_description": line.blurb[:300],
        "origin": origin,
        "is_published": must_show or flag % 29 != 0,
        "is_featured": flag % 11 == 0 or (name == "현미 쌀과자"),
        **attrs,
    }
    return ProductPlan(
        vendor=vendor,
        line=line,
        name=name,
        slug=f"{slugify(name, allow_unicode=True)[:180]}-{code}",
        data=data,
        variants=variants,
        top_category=top_of.get(line.category, "gift-sets"),
    )


def demo_products(
    *, actor, vendors: list[Vendor], categories: dict, target: int, images: bool, image_size: int
) -> tuple[int, int, int]:
    """Create the planned products that are missing; return (products, variants, images)."""
    from shop.catalog.models import Product
    from shop.catalog.services import product_create, variant_create

    plans = plan_products(vendors, target=target)
    existing = set(
        Product.objects.filter(slug__in=[p.slug for p in plans]).values_list("slug", flat=True)
    )
    todo = [p for p in plans if p.slug not in existing]
    made_products = made_variants = made_images = 0
    # Chunks of 50 products per transaction: each commit queues one (batched) index update.
    for start in range(0, len(todo), 50):
        with transaction.atomic():
            for plan in todo[start : start + 50]:
                product = product_create(
                    actor=actor,
                    vendor=plan.vendor,
                    slug=plan.slug,
                    category=categories[plan.line.category],
                    **plan.data,
                )
                made_products += 1
                for v in plan.variants:
                    variant_create(
                        actor=actor,
                        product=product,
                        quantity=v.quantity,
                        sku=v.sku,
                        name=v.name,
                        price=v.price,
                        weight_grams=v.weight_grams,
                        servings=v.servings,
                        sort_order=v.sort_order,
                    )
                    made_variants += 1
                if images and _image_add(actor, product, plan, image_size):
                    made_images += 1
    return made_products, made_variants, made_images


# --- generated pictures -----------------------------------------------------------------


@lru_cache(maxsize=16)
def _font(size: int, bold: bool = False):
    from PIL import ImageFont

    path = settings.KOREAN_FONT_BOLD_PATH if bold else settings.KOREAN_FONT_PATH
    if not Path(path).exists():
        path = settings.KOREAN_FONT_PATH
    return ImageFont.truetype(str(path), size)


def _shade(rgb: tuple[int, int, int], factor: float) -> tuple[int, int, int]:
    return tuple(max(0, min(255, int(c * factor))) for c in rgb)  # type: ignore[return-value]


def _draw_shape(draw, shape: str, box: tuple[int, int, int, int], color) -> None:
    x0, y0, x1, y1 = box
    w, h = x1 - x0, y1 - y0
    if shape == "circle":
        draw.ellipse(box, fill=color)
    elif shape == "cup":
        draw.rounded_rectangle((x0 + w * 0.2, y0 + h * 0.2, x1 - w * 0.2, y1), 18, fill=color)
        draw.arc((x1 - w * 0.32, y0 + h * 0.35, x1 - w * 0.02, y0 + h * 0.75), 270, 90, fill=color,
                 width=max(4, w // 18))  # fmt: skip
    elif shape == "leaf":
        draw.ellipse((x0, y0 + h * 0.15, x1, y1 - h * 0.15), fill=color)
        draw.line((x0 + w * 0.1, y1 - h * 0.2, x1 - w * 0.1, y0 + h * 0.2),
                  fill=_shade(color, 0.8), width=max(3, w // 40))  # fmt: skip
    elif shape == "drop":
        tip = [(x0 + w / 2, y0), (x1 - w * 0.12, y0 + h * 0.62), (x0 + w * 0.12, y0 + h * 0.62)]
        draw.polygon(tip, fill=color)
        draw.ellipse((x0 + w * 0.12, y0 + h * 0.3, x1 - w * 0.12, y1), fill=color)
    elif shape == "vase":
        draw.ellipse((x0 + w * 0.1, y0 + h * 0.3, x1 - w * 0.1, y1), fill=color)
        draw.rectangle((x0 + w * 0.36, y0, x1 - w * 0.36, y0 + h * 0.45), fill=color)
    else:  # gift
        draw.rectangle((x0, y0 + h * 0.25, x1, y1), fill=color)
        ribbon = _shade(color, 0.75)
        draw.rectangle((x0 + w * 0.44, y0 + h * 0.25, x1 - w * 0.44, y1), fill=ribbon)
        draw.ellipse((x0 + w * 0.25, y0, x0 + w * 0.5, y0 + h * 0.28), outline=ribbon,
                     width=max(4, w // 25))  # fmt: skip
        draw.ellipse((x1 - w * 0.5, y0, x1 - w * 0.25, y0 + h * 0.28), outline=ribbon,
                     width=max(4, w // 25))  # fmt: skip


def product_card(
    *, title: str, subtitle: str, badge: str, top_category: str, size: int = 640
) -> bytes:
    """A JPEG card: a pastel background, a simple shape, the name in Nanum Gothic."""
    from PIL import Image, ImageDraw

    color, shape = CATEGORY_STYLE.get(top_category, ((230, 230, 230), "circle"))
    # A little variation per product, so that a page of cards is not all one colour.
    tint = 0.92 + (int(_code(title, subtitle), 16) % 9) / 100
    background = _shade(color, tint)
    img = Image.new("RGB", (size, size), background)
    draw = ImageDraw.Draw(img)
    unit = size / 640
    shape_box = (int(size * 0.3), int(size * 0.1), int(size * 0.7), int(size * 0.5))
    _draw_shape(draw, shape, shape_box, _shade(background, 0.8))

    badge_font = _font(max(10, int(26 * unit)))
    pad = int(16 * unit)
    draw.rounded_rectangle(
        (pad, pad, pad * 3 + draw.textlength(badge, font=badge_font), pad * 3 + 26 * unit),
        radius=int(12 * unit),
        fill=(255, 255, 255),
    )
    draw.text((pad * 1.5, pad * 1.6), badge, font=badge_font, fill=(80, 80, 80))

    title_font = _font(max(12, int(52 * unit)), bold=True)
    lines = textwrap.wrap(title, width=11) or [title]
    y = size * 0.56
    for line in lines[:3]:
        w = draw.textlength(line, font=title_font)
        draw.text(((size - w) / 2, y), line, font=title_font, fill=(40, 40, 40))
        y += 64 * unit
    sub_font = _font(max(10, int(30 * unit)))
    w = draw.textlength(subtitle, font=sub_font)
    draw.text(((size - w) / 2, size * 0.88), subtitle, font=sub_font, fill=(90, 90, 90))

    out = io.BytesIO()
    img.save(out, "JPEG", quality=85, optimize=False)
    return out.getvalue()


def _image_add(actor, product, plan: ProductPlan, size: int) -> bool:
    from shop.catalog.models import ProductImage

    if ProductImage.objects.filter(product=product).exists():
        return False
    data = product_card(
        title=plan.name,
        subtitle=plan.vendor.store_name,
        badge=plan.line.category and str(_category_name(plan.line.category)),
        top_category=plan.top_category,
        size=size,
    )
    upload = ContentFile(data, name=f"{plan.slug[-6:]}.jpg")
    try:
        from shop.catalog.images import product_image_add
    except ImportError:  # the images service is not there yet: store the files directly
        return _image_store(product, upload, plan.name)
    product_image_add(actor=actor, product=product, file=upload, alt=plan.name)
    return True


def _image_store(product, upload: ContentFile, alt: str) -> bool:
    from PIL import Image

    from shop.catalog.models import ProductImage

    thumb = io.BytesIO()
    with Image.open(io.BytesIO(upload.read())) as img:
        img.thumbnail((400, 400))
        img.save(thumb, "WEBP", quality=82)
    image = ProductImage(product=product, alt=alt)
    stem = upload.name.rsplit(".", 1)[0]
    upload.seek(0)
    image.image.save(f"{stem}.jpg", upload, save=False)
    image.thumbnail.save(f"{stem}-thumb.webp", ContentFile(thumb.getvalue()), save=False)
    image.save()
    return True


@lru_cache(maxsize=64)
def _category_name(slug: str) -> str:
    for top, name, _, children in CATEGORY_TREE:
        if top == slug:
            return name
        for child, child_name in children:
            if child == slug:
                return child_name
    return slug


# --------------------------------------------------------------------------------------
# 6. Search index
# --------------------------------------------------------------------------------------


def demo_reindex(*, force: bool) -> str:
    from shop.search.registry import get_backend

    backend = get_backend()
    if backend.name == "null":
        return "검색 백엔드 없음 (건너뜀) / no search backend yet"
    if not force:
        try:
            if backend.search("쌀과자", limit=1):
                return f"{backend.name}: 색인 최신 (변경 없음) / up to date"
        except Exception:  # an index that does not exist yet: rebuild it
            pass
    started = time.monotonic()
    count = backend.rebuild()
    return f"{backend.name}: {count}개 색인, {time.monotonic() - started:.1f}초 / rebuilt"


# --------------------------------------------------------------------------------------
# Entry point
# --------------------------------------------------------------------------------------


def demo_load(
    *,
    small: bool = False,
    images: bool = True,
    reindex: bool | None = None,
    on: date | None = None,
    log: Log = _noop,
) -> DemoSummary:
    """Load the demo data (idempotent). ``small``: smaller pictures, for the test suite.

    ``on``: the day whose valid certifications decide which organizations become vendors
    (today by default; the tests fix it so that expiring designations do not change them).
    """
    with _quiet():
        return _demo_load(small=small, images=images, reindex=reindex, on=on, log=log)


def _demo_load(*, small: bool, images: bool, reindex: bool | None, on, log: Log) -> DemoSummary:
    started = time.monotonic()
    summary = DemoSummary()
    from shop.catalog.models import Category, Product, ProductImage, ProductVariant

    users, n = demo_users()
    summary.add("사용자 users", f"{n}명 생성 (데모 계정 3개)", created=n)
    log("users")

    registry = demo_registry()
    summary.add(
        "등록부 registry",
        f"{registry.total}행: 생성 {registry.created}, 수정 {registry.updated}, "
        f"변경 없음 {registry.unchanged}, 거부 {len(registry.rejected)}",
        created=registry.created + registry.updated,
    )
    log("registry")

    n = demo_participations(actor=users["admin"])
    summary.add(
        "사업 참여 participations",
        f"{n}건 생성, 전체 {Participation.objects.count()}건",
        created=n,
    )
    log("participations")

    vendors, n, pending = demo_vendors(users=users, on=on)
    types = sorted({v.organization.org_type for v in vendors})
    districts = {v.organization.district for v in vendors if v.organization.district}
    summary.add(
        "입점 기업 vendors",
        f"{n}곳 승인, 데모 입점 기업 {len(vendors)}곳 (유형 {len(types)}종, 자치구 "
        f"{len(districts)}곳), 심사 대기 신청 {'1건 생성' if pending else '있음'}",
        created=n + pending,
    )
    log("vendors")

    categories, n = demo_categories()
    summary.add("분류 categories", f"{n}개 생성, 전체 {Category.objects.count()}개", created=n)

    products, variants, made_images = demo_products(
        actor=users["admin"],
        vendors=vendors,
        categories=categories,
        target=PRODUCT_TARGET,
        images=images,
        image_size=160 if small else 512,
    )
    summary.add(
        "상품 products",
        f"{products}개 생성 (옵션 {variants}개, 이미지 {made_images}개); 전체 상품 "
        f"{Product.objects.count()}개, 옵션 {ProductVariant.objects.count()}개, 이미지 "
        f"{ProductImage.objects.count()}개",
        created=products,
    )
    log("products")

    bundles = demo_bundles(actor=users["admin"])
    summary.add("다과꾸러미 bundles", f"{bundles}개 생성", created=bundles)
    buyer = demo_agency(actor=users["admin"])
    summary.add(
        "공공기관 agency",
        "구매 담당자 buyer@nuri.local 생성" if buyer else "있음",
        created=int(buyer),
    )
    log("bundles, agency")

    summary.add(
        "검색 색인 search",
        demo_reindex(force=products > 0 if reindex is None else reindex),
    )
    summary.seconds = time.monotonic() - started
    return summary


DEMO_BUNDLES = [
    # (slug, name, occasion, serves, food units, drink units, discount %)
    ("demo-meeting-20", "회의용 다과꾸러미 (20인)", "meeting", 20, 20, 20, 5),
    ("demo-office-snack", "사무실 간식 꾸러미 (10인)", "office_snack", 10, 10, 10, 0),
]


def demo_bundles(*, actor) -> int:
    """Two published bundles mixing several vendors' snacks and drinks (through the service)."""
    from bundles.models import Bundle
    from bundles.services import bundle_create
    from shop.catalog.models import ProductVariant

    created = 0
    for slug, name, occasion, serves, food_units, drink_units, discount in DEMO_BUNDLES:
        if Bundle.objects.filter(slug=slug).exists():
            continue
        picks, vendors = [], set()
        for kind, units in (("food", food_units), ("drink", drink_units)):
            variants = (
                ProductVariant.objects.filter(
                    product__kind=kind,
                    product__is_published=True,
                    stock__quantity__gte=units + 20,
                    price__lte=6000,
                )
                .select_related("product")
                .order_by("product__vendor_id", "price", "id")
            )
            for variant in variants:
                if variant.product.vendor_id in vendors or len(picks) >= 4:
                    continue
                per = max(1, variant.servings)
                picks.append((variant, max(1, -(-units // 2 // per))))
                vendors.add(variant.product.vendor_id)
                if sum(1 for v, _ in picks if v.product.kind == kind) >= 2:
                    break
        if len(vendors) < 2:
            continue
        try:
            bundle_create(
                actor=actor,
                name=name,
                occasion=occasion,
                serves=serves,
                slug=slug,
                description=f"{len(vendors)}곳의 사회적경제 기업 상품으로 구성한 {name}입니다.",
                components=picks,
                price_rule="sum_discount" if discount else "sum",
                discount_percent=discount,
                is_published=True,
            )
            created += 1
        except DomainError:
            continue
    return created


def demo_agency(*, actor) -> bool:
    """A Seoul agency with an approved buyer ``buyer@nuri.local`` (idempotent)."""
    from purchasing.models import Agency, Buyer
    from purchasing.services import buyer_approve, buyer_register

    agency, _ = Agency.objects.get_or_create(
        code="6110000",
        defaults={
            "name": "서울특별시 사회적경제담당관",
            "kind": "local_government",
            "district": "11140",
            "address": "서울특별시 중구 세종대로 110",
            "phone": "02-2133-5492",
        },
    )
    user, _ = _user("buyer@nuri.local", password=DEMO_PASSWORD, name="김구매")
    if Buyer.objects.filter(user=user).exists():
        return False
    buyer = buyer_register(user=user, agency=agency, department_name="사회적경제과")
    buyer_approve(buyer=buyer, actor=actor)
    return True
