"""The relevance set: queries over ``catalog.PRODUCTS`` with the products a shopper expects.

Each query lists its relevant products (slugs) and, where one answer is clearly the best,
the product that must come first (``top``). The set covers particles, spacing variants,
partial words, 초성, typos, vendor, district and organization-type names, category words,
descriptions, Latin words and sentence-like queries. ``MUST_SHOW`` are the issue's queries.
"""

from __future__ import annotations

from dataclasses import dataclass

RICE_CRACKERS = ("rice-cracker", "brown-rice-cracker", "organic-rice-cracker")
ORGANIC_NAMED = (
    "organic-brown-rice-tea",
    "organic-strawberry-jam",
    "organic-blueberry-jam",
    "organic-brown-rice",
    "organic-rice-cracker",
    "green-tea",
)
GRANOLAS = ("vegan-granola", "almond-granola", "granola-bar")
DISH_SOAPS = ("eco-dish-soap", "dish-soap-refill")
DETERGENTS = (*DISH_SOAPS, "laundry-detergent")
COOKIES = ("handmade-cookie", "chocolate-chip-cookie", "strawberry-cookie", "vegan-cookie")
CERAMICS = ("ceramic-mug", "ceramic-plate", "ceramic-rice-bowl", "ceramic-teacup-set")
BAKERY = (
    "rice-cracker",
    "brown-rice-cracker",
    "handmade-cookie",
    "chocolate-chip-cookie",
    "strawberry-cookie",
    "walnut-cake",
    "rice-madeleine",
    "whole-wheat-bread",
)
COFFEE_SHOP = ("drip-bag", "decaf-beans", "cold-brew", "house-blend", "green-tea")
KITCHEN = (
    "tofu",
    "soft-tofu",
    "cabbage-kimchi",
    "radish-kimchi",
    "cheonggukjang",
    "perilla-oil",
    "sesame-oil",
    "rice-noodle-kit",
)
TEAS = ("organic-brown-rice-tea", "barley-tea", "citron-tea", "green-tea", "kombucha")
DRINKS = (*TEAS, "oat-milk", "sikhye")
RICE_NAMED = (
    *RICE_CRACKERS,
    "rice-madeleine",
    "rice-puff",
    "rice-noodle-kit",
    "gyeonggi-rice",
)


@dataclass(frozen=True)
class Case:
    query: str
    relevant: tuple[str, ...]
    top: str | None = None
    kind: str = ""


CASES: list[Case] = [
    # The must-show queries: particles, spacing, partial word, 초성, typo.
    Case("쌀과자", RICE_CRACKERS, "rice-cracker", "exact"),
    Case("쌀과자를", RICE_CRACKERS, "rice-cracker", "particle"),
    Case("쌀 과자", RICE_CRACKERS, "rice-cracker", "spacing"),
    Case("쌀과", RICE_CRACKERS, "rice-cracker", "partial"),
    Case("ㅆㄱㅈ", RICE_CRACKERS, "rice-cracker", "choseong"),
    Case("유기능", ORGANIC_NAMED, None, "typo"),
    # Exact words and compounds.
    Case("유기농", (*ORGANIC_NAMED, "handmade-cookie"), None, "word"),
    Case("현미차", ("organic-brown-rice-tea",), "organic-brown-rice-tea", "compound"),
    Case(
        "현미",
        (
            "brown-rice-cracker",
            "brown-rice-nurungji",
            "organic-brown-rice-tea",
            "organic-brown-rice",
        ),
        None,
        "word",
    ),
    Case("딸기잼", ("organic-strawberry-jam",), "organic-strawberry-jam", "compound"),
    Case("딸기", ("strawberry-cookie", "organic-strawberry-jam"), None, "word"),
    Case("잼", ("organic-strawberry-jam", "organic-blueberry-jam"), None, "word"),
    Case("쌀", RICE_NAMED, None, "word"),
    Case("그래놀라", GRANOLAS, None, "foreign"),
    Case("비건 그래놀라", ("vegan-granola",), "vegan-granola", "multi"),
    Case("비건", ("vegan-granola", "vegan-cookie", "oat-milk"), None, "user-word"),
    Case("그래놀", GRANOLAS, None, "partial"),
    Case("그라놀라", GRANOLAS, None, "typo"),
    Case("그래놀라를", GRANOLAS, None, "particle"),
    Case("친환경 세제", DETERGENTS, None, "multi"),
    Case("친환경", ("eco-dish-soap", "laundry-detergent", "dish-soap-refill"), None, "user-word"),
    Case("주방세제", DISH_SOAPS, None, "compound"),
    Case("주방 세제", DISH_SOAPS, None, "spacing"),
    Case("주방세재", DISH_SOAPS, None, "typo"),
    Case("세제", DETERGENTS, None, "word"),
    Case("천연 비누", ("natural-soap",), "natural-soap", "multi"),
    Case("비누", ("natural-soap", "handmade-soap-set"), None, "word"),
    Case("수제비누", ("handmade-soap-set",), "handmade-soap-set", "spacing"),
    Case("수제 쿠키", ("handmade-cookie",), "handmade-cookie", "multi"),
    Case("쿠키", COOKIES, None, "word"),
    Case("비건쿠키", ("vegan-cookie",), "vegan-cookie", "spacing"),
    Case("두부", ("tofu", "soft-tofu"), None, "word"),
    Case("국산콩", ("tofu", "soft-tofu", "cheonggukjang"), None, "description"),
    Case("김치", ("cabbage-kimchi", "radish-kimchi"), None, "word"),
    Case("배추김치", ("cabbage-kimchi",), "cabbage-kimchi", "compound"),
    Case("드립백", ("drip-bag",), "drip-bag", "compound"),
    Case("원두 커피", ("drip-bag", "decaf-beans", "house-blend"), "drip-bag", "multi"),
    Case("커피", ("drip-bag", "decaf-beans", "cold-brew", "house-blend"), None, "word"),
    Case("머그컵", ("ceramic-mug",), "ceramic-mug", "compound"),
    Case("머그", ("ceramic-mug",), "ceramic-mug", "partial"),
    Case("머그겁", ("ceramic-mug",), "ceramic-mug", "typo"),
    Case("도자기", CERAMICS, None, "word"),
    Case("ㄷㅈㄱ", CERAMICS, None, "choseong"),
    Case("ㄱㄹㄸ", ("garaetteok",), "garaetteok", "choseong"),
    Case("ㅊㅅ", ("bamboo-toothbrush",), "bamboo-toothbrush", "choseong"),
    Case("ㅂㄱ ㄱㄹㄴㄹ", ("vegan-granola",), "vegan-granola", "choseong"),
    Case("떡", ("garaetteok", "honey-tteok", "mugwort-tteok"), None, "word"),
    Case("약과", ("yakgwa", "hangwa-set"), "yakgwa", "word"),
    Case("한과", ("hangwa-set",), "hangwa-set", "partial"),
    Case("호두과자", ("walnut-cake",), "walnut-cake", "compound"),
    Case("누룽지", ("brown-rice-nurungji",), "brown-rice-nurungji", "word"),
    Case("식빵", ("whole-wheat-bread",), "whole-wheat-bread", "word"),
    Case("콤부차", ("kombucha",), "kombucha", "foreign"),
    Case("오트밀크", ("oat-milk",), "oat-milk", "foreign"),
    Case("house blend", ("house-blend",), "house-blend", "latin"),
    Case("들기름", ("perilla-oil",), "perilla-oil", "word"),
    Case("참기름을 사고 싶어요", ("sesame-oil",), "sesame-oil", "sentence"),
    Case("식물성 음료", ("oat-milk",), "oat-milk", "description"),
    Case("선물세트", ("handmade-soap-set", "hangwa-set"), None, "compound"),
    Case("유기농 쌀과자", ("organic-rice-cracker",), "organic-rice-cracker", "multi"),
    Case("현미 쌀과자", ("brown-rice-cracker",), "brown-rice-cracker", "multi"),
    Case("텀블러", ("glass-tumbler",), "glass-tumbler", "foreign"),
    Case("밀키트", ("rice-noodle-kit",), "rice-noodle-kit", "partial"),
    # Vendors, districts, organization types, categories.
    Case("누리베이커리", BAKERY, None, "vendor"),
    Case("나눔커피", COFFEE_SHOP, None, "vendor"),
    Case("두레마을부엌", KITCHEN, None, "vendor"),
    Case("마포구", BAKERY, None, "district"),
    Case("사회적협동조합", COFFEE_SHOP, None, "org-type"),
    Case("차", TEAS, None, "category"),
    Case("음료", DRINKS, None, "category"),
    Case("주방용품", (*CERAMICS, "glass-tumbler"), None, "category"),
]

MUST_SHOW = {
    "쌀과자를": RICE_CRACKERS,
    "쌀 과자": RICE_CRACKERS,
    "쌀과": RICE_CRACKERS,
    "ㅆㄱㅈ": RICE_CRACKERS,
    "유기능": ORGANIC_NAMED,
}

NEVER = ("discontinued-rice-cracker",)


def score(results: list[str], case: Case) -> dict[str, float]:
    """recall@10, R-precision (precision in the first |relevant|) and precision@10."""
    relevant = set(case.relevant)
    top10 = results[:10]
    r = len(relevant)
    return {
        "recall@10": len(relevant & set(top10)) / r,
        "r_precision": len(relevant & set(results[:r])) / r,
        "precision@10": (len(relevant & set(top10)) / len(top10)) if top10 else 0.0,
    }
