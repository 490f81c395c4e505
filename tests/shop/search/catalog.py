"""A fixed catalog for search relevance: 60 Korean products of 8 vendors in 12 categories.

Realistic names and descriptions in the style of Seoul's social-economy mall (함께누리):
bakeries run by social enterprises, village-enterprise kitchens, self-sufficiency cleaning
co-ops, a coffee social co-op, a pottery workshop. One product is unpublished (it must never
be found). ``build_catalog()`` creates it through the models (fast) and returns
``{slug: product}``; index it with ``get_backend().rebuild()``.
"""

from __future__ import annotations

from shop.catalog.models import Category, Product, ProductVariant, Stock
from tests.factories import OrganizationFactory, VendorFactory

VENDORS = {
    # key: (store name, organization name, org type, district code)
    "bakery": ("누리베이커리", "(주)누리베이커리", "social_enterprise", "11440"),
    "farm": ("초록들녘", "초록들녘 영농협동조합", "coop", "11290"),
    "kitchen": ("두레마을부엌", "두레마을부엌", "village_enterprise", "11380"),
    "greengram": ("그린그램", "(주)그린그램", "social_venture", "11200"),
    "cleanhands": ("맑은손", "맑은손 자활센터", "self_sufficiency", "11350"),
    "coffee": ("나눔커피", "나눔커피 사회적협동조합", "social_coop", "11110"),
    "pottery": ("흙과사람 공방", "흙과사람", "social_enterprise", "11305"),
    "tteok": ("할매손 떡방", "할매손", "village_enterprise", "11260"),
}

CATEGORIES = {
    # key: (name, parent key or None)
    "food": ("식품", None),
    "living": ("생활용품", None),
    "snack": ("과자·간식", "food"),
    "bread": ("베이커리", "food"),
    "cereal": ("시리얼", "food"),
    "tea": ("차·음료", "food"),
    "coffee": ("커피", "food"),
    "jam": ("잼·꿀", "food"),
    "oil": ("기름·양념", "food"),
    "grain": ("쌀·잡곡", "food"),
    "side": ("반찬·두부", "food"),
    "tteok": ("떡·한과", "food"),
    "cleaning": ("세제·청소", "living"),
    "bath": ("욕실", "living"),
    "kitchenware": ("주방용품", "living"),
    "goods": ("잡화", "living"),
}

# slug: (name, vendor, category, description, extra)
PRODUCTS: dict[str, tuple[str, str, str, str, dict]] = {
    # 누리베이커리 — bakery of a social enterprise employing people with disabilities
    "rice-cracker": (
        "쌀과자",
        "bakery",
        "snack",
        "국산 쌀로 구운 바삭한 과자입니다. 발달장애인 제빵사가 매일 굽습니다.",
        {},
    ),
    "brown-rice-cracker": (
        "현미 쌀과자",
        "bakery",
        "snack",
        "국내산 현미를 통째로 넣어 고소합니다. 아이 간식으로 좋아요.",
        {},
    ),
    "handmade-cookie": (
        "수제 쿠키 세트",
        "bakery",
        "snack",
        "버터와 유기농 밀가루로 매일 굽는 쿠키 12개입.",
        {},
    ),
    "chocolate-chip-cookie": (
        "초코칩 쿠키",
        "bakery",
        "snack",
        "벨기에산 초콜릿을 듬뿍 넣었습니다.",
        {},
    ),
    "strawberry-cookie": (
        "딸기 쿠키",
        "bakery",
        "snack",
        "동결건조 딸기를 넣어 새콤달콤한 맛.",
        {},
    ),
    "walnut-cake": (
        "호두과자",
        "bakery",
        "snack",
        "천안 호두와 팥앙금으로 만든 전통 간식.",
        {},
    ),
    "rice-madeleine": (
        "쌀 마들렌",
        "bakery",
        "bread",
        "쌀가루로 만들어 촉촉한 마들렌 6개입.",
        {},
    ),
    "whole-wheat-bread": (
        "통밀 식빵",
        "bakery",
        "bread",
        "100% 통밀로 만든 담백한 빵.",
        {},
    ),
    "discontinued-rice-cracker": (
        "쌀과자 대용량",
        "bakery",
        "snack",
        "판매를 마친 상품입니다.",
        {"is_published": False},
    ),
    # 초록들녘 — organic farmers' co-op
    "organic-brown-rice-tea": (
        "유기농 현미차",
        "farm",
        "tea",
        "유기농 인증 현미를 볶아 구수합니다. 티백 20개입.",
        {"certification_marks": "유기농"},
    ),
    "organic-strawberry-jam": (
        "유기농 딸기잼",
        "farm",
        "jam",
        "딸기와 비정제 설탕만 넣고 졸였습니다.",
        {"certification_marks": "유기농"},
    ),
    "organic-blueberry-jam": (
        "유기농 블루베리잼",
        "farm",
        "jam",
        "무농약 블루베리로 만든 잼.",
        {"certification_marks": "유기농"},
    ),
    "organic-brown-rice": (
        "유기농 현미 4kg",
        "farm",
        "grain",
        "친환경 농법으로 기른 햅현미.",
        {"certification_marks": "유기농"},
    ),
    "organic-rice-cracker": (
        "유기농 쌀과자",
        "farm",
        "snack",
        "유기농 쌀만 튀겨 만든 아기 과자.",
        {"certification_marks": "유기농"},
    ),
    "barley-tea": (
        "볶은 보리차",
        "farm",
        "tea",
        "국산 겉보리를 볶아 끓이면 구수합니다.",
        {},
    ),
    "citron-tea": (
        "유자차",
        "farm",
        "tea",
        "고흥 유자로 담근 청. 따뜻한 물에 타서 드세요.",
        {},
    ),
    "acacia-honey": (
        "아카시아 꿀",
        "farm",
        "jam",
        "양봉 농가에서 채밀한 천연 벌꿀.",
        {},
    ),
    "gyeonggi-rice": (
        "경기미 쌀 10kg",
        "farm",
        "grain",
        "햅쌀로 갓 도정했습니다.",
        {},
    ),
    # 두레마을부엌 — village enterprise kitchen
    "tofu": (
        "국산콩 두부",
        "kitchen",
        "side",
        "국산 콩으로 매일 아침 만듭니다.",
        {},
    ),
    "soft-tofu": (
        "순두부",
        "kitchen",
        "side",
        "고소한 국산콩으로 만든 부드러운 맛.",
        {},
    ),
    "cabbage-kimchi": (
        "배추김치 2kg",
        "kitchen",
        "side",
        "국산 배추와 고춧가루로 담근 포기김치.",
        {},
    ),
    "radish-kimchi": (
        "총각김치",
        "kitchen",
        "side",
        "아삭한 총각무로 담갔습니다.",
        {},
    ),
    "cheonggukjang": (
        "청국장",
        "kitchen",
        "side",
        "국산콩을 띄워 만든 구수한 찌개용 장.",
        {},
    ),
    "perilla-oil": (
        "저온압착 들기름",
        "kitchen",
        "oil",
        "국산 들깨를 낮은 온도에서 짰습니다.",
        {},
    ),
    "sesame-oil": (
        "참기름",
        "kitchen",
        "oil",
        "국산 참깨를 볶아 짠 고소한 기름.",
        {},
    ),
    "rice-noodle-kit": (
        "쌀국수 밀키트",
        "kitchen",
        "side",
        "쌀면과 양지 육수가 들어 있는 2인분.",
        {},
    ),
    # 그린그램 — social venture, plant-based food
    "vegan-granola": (
        "비건 그래놀라",
        "greengram",
        "cereal",
        "귀리와 견과류를 메이플 시럽으로 구웠습니다. 오트밀크와 함께 드세요.",
        {"dietary": ["vegan"]},
    ),
    "almond-granola": (
        "아몬드 그래놀라",
        "greengram",
        "cereal",
        "통아몬드를 듬뿍 넣고 바삭하게 구웠습니다.",
        {},
    ),
    "granola-bar": (
        "그래놀라 바 10개입",
        "greengram",
        "snack",
        "귀리와 현미 튀밥을 조청으로 굳힌 간식.",
        {},
    ),
    "vegan-cookie": (
        "비건 쿠키",
        "greengram",
        "snack",
        "버터와 달걀 없이 코코넛오일로 구웠습니다.",
        {"dietary": ["vegan"]},
    ),
    "oat-milk": (
        "오트밀크",
        "greengram",
        "tea",
        "귀리로 만든 식물성 음료 1L.",
        {"dietary": ["vegan"]},
    ),
    "kombucha": (
        "콤부차",
        "greengram",
        "tea",
        "홍차를 발효해 만든 탄산 음료.",
        {},
    ),
    # 맑은손 — self-sufficiency enterprise, cleaning goods
    "eco-dish-soap": (
        "친환경 주방세제",
        "cleanhands",
        "cleaning",
        "야자 유래 계면활성제로 만들어 1종 세척제 기준을 지켰습니다. 500ml.",
        {},
    ),
    "dish-soap-refill": (
        "주방세제 리필 1L",
        "cleanhands",
        "cleaning",
        "친환경 주방세제를 리필 파우치에 담았습니다.",
        {},
    ),
    "laundry-detergent": (
        "친환경 세탁세제 2L",
        "cleanhands",
        "cleaning",
        "실내 건조에도 냄새 걱정 없는 액체 세제.",
        {},
    ),
    "natural-soap": (
        "천연 비누",
        "cleanhands",
        "bath",
        "올리브유와 시어버터로 저온 숙성했습니다.",
        {},
    ),
    "handmade-soap-set": (
        "수제 비누 선물세트",
        "cleanhands",
        "bath",
        "쑥, 녹차, 숯 세 가지 비누를 상자에 담았습니다.",
        {},
    ),
    "shampoo-bar": (
        "고체 샴푸바",
        "cleanhands",
        "bath",
        "플라스틱 용기 없는 샴푸.",
        {},
    ),
    "bamboo-toothbrush": (
        "대나무 칫솔",
        "cleanhands",
        "bath",
        "손잡이를 대나무로 만든 칫솔 4개입.",
        {},
    ),
    "natural-scrubber": (
        "천연 수세미",
        "cleanhands",
        "cleaning",
        "수세미 열매를 말려 만든 설거지용 스펀지.",
        {},
    ),
    # 나눔커피 — social co-op roastery
    "drip-bag": (
        "원두 커피 드립백 10개입",
        "coffee",
        "coffee",
        "에티오피아 원두를 갓 볶아 한 잔씩 담았습니다.",
        {},
    ),
    "decaf-beans": (
        "디카페인 원두 200g",
        "coffee",
        "coffee",
        "스위스 워터 방식으로 카페인을 뺀 콜롬비아 원두.",
        {},
    ),
    "cold-brew": (
        "콜드브루 원액",
        "coffee",
        "coffee",
        "열두 시간 차갑게 내린 원액 500ml. 물이나 우유에 타서 드세요.",
        {},
    ),
    "house-blend": (
        "하우스 블렌드 원두 1kg (House Blend)",
        "coffee",
        "coffee",
        "브라질과 과테말라 원두를 섞은 매일 마시는 블렌드.",
        {},
    ),
    "green-tea": (
        "유기농 녹차 티백",
        "coffee",
        "tea",
        "보성 녹차 잎을 티백 25개에 담았습니다.",
        {"certification_marks": "유기농"},
    ),
    # 흙과사람 공방 — pottery workshop
    "ceramic-mug": (
        "도자기 머그컵",
        "pottery",
        "kitchenware",
        "손으로 빚어 구운 350ml 컵.",
        {},
    ),
    "ceramic-plate": (
        "도자기 접시",
        "pottery",
        "kitchenware",
        "지름 24cm 백자 접시.",
        {},
    ),
    "ceramic-rice-bowl": (
        "도자기 밥그릇",
        "pottery",
        "kitchenware",
        "분청 기법으로 만든 밥공기.",
        {},
    ),
    "ceramic-teacup-set": (
        "도자기 찻잔 세트",
        "pottery",
        "kitchenware",
        "찻잔 두 개와 받침.",
        {},
    ),
    "glass-tumbler": (
        "유리 텀블러",
        "pottery",
        "kitchenware",
        "내열 유리로 만든 450ml 병.",
        {},
    ),
    "cotton-eco-bag": (
        "면 에코백",
        "pottery",
        "goods",
        "도자기 그림을 인쇄한 무표백 면 가방.",
        {},
    ),
    # 할매손 떡방 — village enterprise rice-cake shop
    "garaetteok": (
        "가래떡",
        "tteok",
        "tteok",
        "햅쌀로 뽑아 쫄깃합니다. 구워 드셔도 좋아요.",
        {},
    ),
    "honey-tteok": (
        "꿀떡",
        "tteok",
        "tteok",
        "참깨 꿀소를 넣은 한입 크기.",
        {},
    ),
    "mugwort-tteok": (
        "쑥떡",
        "tteok",
        "tteok",
        "강화 사자발쑥을 넣어 향긋합니다.",
        {},
    ),
    "yakgwa": (
        "약과",
        "tteok",
        "tteok",
        "조청과 참기름으로 반죽해 튀긴 전통 과자.",
        {},
    ),
    "hangwa-set": (
        "전통 한과 선물세트",
        "tteok",
        "tteok",
        "유과, 강정, 약과를 담은 명절 상자.",
        {},
    ),
    "brown-rice-nurungji": (
        "현미 누룽지",
        "tteok",
        "snack",
        "가마솥에 눌러 만든 간식.",
        {},
    ),
    "sikhye": (
        "전통 식혜",
        "tteok",
        "tteok",
        "엿기름으로 삭힌 쌀 음료 1.5L.",
        {},
    ),
    "rice-puff": (
        "쌀 뻥튀기",
        "tteok",
        "snack",
        "쌀을 튀겨 만든 옛날 과자.",
        {},
    ),
}


def build_catalog() -> dict[str, Product]:
    """Create the vendors, categories and products (with one variant and stock each)."""
    vendors = {}
    for key, (store, org_name, org_type, district) in VENDORS.items():
        org = OrganizationFactory(name=org_name, org_type=org_type, district=district)
        vendors[key] = VendorFactory(organization=org, store_name=store, slug=f"v-{key}")
    categories: dict[str, Category] = {}
    for key, (name, parent) in CATEGORIES.items():
        categories[key] = Category.objects.create(
            name=name, slug=f"c-{key}", parent=categories[parent] if parent else None
        )
    products = {}
    for i, (slug, (name, vendor, category, description, extra)) in enumerate(PRODUCTS.items()):
        extra = dict(extra)
        product = Product(
            vendor=vendors[vendor],
            category=categories[category],
            name=name,
            slug=slug,
            description=description,
            kind="other" if category in {"cleaning", "bath", "kitchenware", "goods"} else "food",
            is_published=extra.pop("is_published", True),
            certification_marks=extra.pop("certification_marks", ""),
        )
        product.dietary_tags = extra.pop("dietary", [])
        product.save()
        variant = ProductVariant.objects.create(
            product=product, sku=f"REL-{i:03d}", name="기본", price=5000 + 500 * i
        )
        Stock.objects.create(variant=variant, quantity=50)
        products[slug] = product
    return products
