"""Vocabulary of the demo catalog: the category tree and the product lines (data only).

Used by ``core.demo`` (the ``load_demo`` command: a few hundred hand-written products) and by
``shop/management/commands/seed_scale.py`` (100k generated products). Tax types follow
DOMAIN.md "Money and tax": 김치, 두부 and unprocessed or first-stage processed produce (raw
honey, grains, dried produce, eggs) are exempt (면세); baked goods, roasted goods, drinks,
snacks and non-food goods are taxable (과세).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

FOOD, DRINK, OTHER = "food", "drink", "other"
TAXABLE, EXEMPT = "taxable", "exempt"

# (slug, name, description, children: (slug, name))
CATEGORY_TREE: list[tuple[str, str, str, list[tuple[str, str]]]] = [
    (
        "snacks",
        "과자·간식",
        "사무실 다과와 아이 간식으로 좋은 쌀과자, 쿠키, 견과, 떡.",
        [
            ("rice-snacks", "쌀과자"),
            ("cookies-bakery", "쿠키·베이커리"),
            ("nuts-granola", "견과·그래놀라"),
            ("rice-cakes", "떡·전통과자"),
        ],
    ),
    ("drinks", "음료", "드립백 커피, 국산 원료 차, 착즙 주스.", [
        ("coffee", "커피"), ("tea", "차"), ("juice", "주스"),
    ]),
    ("fresh-food", "신선·가공식품", "김치, 두부, 잼과 꿀, 친환경 곡물과 농산물.", [
        ("kimchi", "김치"), ("tofu", "두부"), ("jam-honey", "잼·꿀"), ("grains", "곡물·농산물"),
    ]),
    ("household", "생활용품", "친환경 세제, 수제 비누, 재생지 문구.", [
        ("detergent", "세제"), ("soap", "비누"), ("stationery", "문구"),
    ]),
    ("crafts", "공예품", "장인과 자립 작업장이 만든 도자기, 목공, 섬유 공예.", [
        ("ceramics", "도자기"), ("woodwork", "목공"), ("textile-crafts", "섬유공예"),
    ]),
    ("gift-sets", "선물세트", "명절과 행사에 보내는 사회적경제 선물세트.", []),
]  # fmt: skip

# Pastel card colours and shapes of the generated images, by top-level category.
CATEGORY_STYLE: dict[str, tuple[tuple[int, int, int], str]] = {
    "snacks": ((250, 224, 178), "circle"),
    "drinks": ((200, 230, 201), "cup"),
    "fresh-food": ((255, 205, 210), "leaf"),
    "household": ((187, 222, 251), "drop"),
    "crafts": ((225, 190, 231), "vase"),
    "gift-sets": ((255, 236, 179), "gift"),
}


@dataclass(frozen=True)
class VariantSpec:
    label: str
    weight_grams: int | None
    servings: int
    multiplier: float  # price of this variant = base price x multiplier


@dataclass(frozen=True)
class Line:
    """A product line: what a kind of vendor sells, with its defaults."""

    key: str
    category: str  # leaf category slug
    kind: str
    tax: str
    price: tuple[int, int]  # range of the first variant's price, KRW incl. VAT
    variants: tuple[VariantSpec, ...]
    origins: tuple[str, ...]
    blurb: str
    names: tuple[str | tuple[str, dict], ...]
    allergens: tuple[str, ...] = ()
    dietary: tuple[str, ...] = ()
    marks: tuple[str, ...] = ()
    # Words used by seed_scale to make more names: (prefixes, bases, suffixes).
    vocab: tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]] = field(default=((), (), ()))


V = VariantSpec

LINES: dict[str, Line] = {
    line.key: line
    for line in [
        Line(
            key="rice_snacks",
            category="rice-snacks",
            kind=FOOD,
            tax=TAXABLE,
            price=(1500, 4500),
            variants=(
                V("1봉", 60, 1, 1.0),
                V("5봉 묶음", 300, 5, 4.6),
                V("12봉 박스 (사무실 간식용)", 720, 12, 10.5),
            ),
            origins=(
                "국내산 쌀 (경기 이천)",
                "국내산 현미 (충남 홍성)",
                "국내산 쌀 100%",
                "국내산 찹쌀 (전남 해남)",
                "국내산 (강원 철원 오대쌀)",
            ),
            blurb="국산 쌀을 튀기지 않고 구워 바삭하게 만든 쌀과자입니다. 첨가물을 줄여 "
            "아이 간식과 회의 다과로 좋습니다.",
            dietary=("gluten_free",),
            names=(
                "현미 쌀과자",
                "유기농 현미 쌀과자",
                "흑미 쌀과자",
                "단호박 쌀과자",
                "자색고구마 쌀과자",
                "쑥 쌀과자",
                "김 쌀과자",
                "허니버터 쌀과자",
                "쌀과자 오리지널",
                "유기농 쌀과자 플레인",
                "구운 누룽지",
                "누룽지 칩",
                "찹쌀 누룽지",
                "현미 누룽지 스낵",
                "쌀 뻥튀기",
                "현미 뻥튀기",
                "쌀강정",
                "오곡 쌀과자",
                "아기 쌀과자 (무염)",
                "비건 쌀 크래커",
                "들깨 쌀과자",
                "귀리 쌀과자",
                "유기농 아기 떡뻥",
                "보리 쌀과자",
            ),
            vocab=(
                (
                    "현미",
                    "흑미",
                    "유기농",
                    "단호박",
                    "자색고구마",
                    "쑥",
                    "김",
                    "들깨",
                    "오곡",
                    "귀리",
                    "찹쌀",
                    "무염",
                    "비건",
                    "보리",
                    "녹차",
                ),
                ("쌀과자", "누룽지", "쌀칩", "뻥튀기", "쌀강정", "떡뻥", "쌀 크래커"),
                ("", "", "오리지널", "스낵", "미니"),
            ),
        ),
        Line(
            key="cookies",
            category="cookies-bakery",
            kind=FOOD,
            tax=TAXABLE,
            price=(3000, 12000),
            variants=(
                V("1팩", 120, 2, 1.0),
                V("3팩 세트", 360, 6, 2.8),
                V("선물 상자 (10개입)", 400, 10, 3.6),
            ),
            origins=(
                "우리밀 (전북 익산)",
                "국내산 밀, 국내산 달걀",
                "밀: 국내산, 버터: 뉴질랜드산",
                "국내산 (경기 양평)",
            ),
            blurb="발달장애인 제빵사들이 매일 아침 굽는 수제 과자입니다. 우리밀과 좋은 재료만 "
            "씁니다.",
            allergens=("wheat", "egg", "milk"),
            names=(
                "우리밀 버터쿠키",
                "통밀 오트밀 쿠키",
                "비건 초코칩 쿠키",
                "녹차 쿠키",
                "땅콩버터 쿠키",
                "호두 파운드케이크",
                "마들렌 세트",
                "휘낭시에",
                "쌀 카스테라",
                "우리밀 스콘",
                "유기농 통밀 크래커",
                "흑임자 쿠키",
                "제주 감귤 쿠키",
                "단호박 머핀",
                "쌀 마들렌",
                "현미 쿠키",
                "비건 바나나 브레드",
                "우리밀 식빵",
                "치즈 스콘",
                "쑥 쿠키",
            ),
            vocab=(
                (
                    "우리밀",
                    "통밀",
                    "비건",
                    "녹차",
                    "흑임자",
                    "제주 감귤",
                    "단호박",
                    "쑥",
                    "현미",
                    "유기농",
                    "초코",
                    "버터",
                    "호두",
                    "쌀",
                ),
                (
                    "쿠키",
                    "스콘",
                    "마들렌",
                    "파운드케이크",
                    "머핀",
                    "휘낭시에",
                    "크래커",
                    "브라우니",
                    "식빵",
                ),
                ("", "", "세트", "미니"),
            ),
        ),
        Line(
            key="granola",
            category="nuts-granola",
            kind=FOOD,
            tax=TAXABLE,
            price=(4500, 16000),
            variants=(
                V("300g", 300, 6, 1.0),
                V("500g", 500, 10, 1.55),
                V("1kg 대용량", 1000, 20, 2.8),
            ),
            origins=("국내산 귀리 (전북 정읍)", "귀리: 국내산, 견과: 미국산", "국내산"),
            blurb="오븐에 천천히 구운 그래놀라와 견과입니다. 아침 식사와 사무실 간식으로 "
            "인기가 많습니다.",
            names=(
                "유기농 그래놀라",
                "귀리 그래놀라 (무설탕)",
                "하루견과 30봉",
                "볶음 땅콩",
                "구운 호두",
                "코코넛 그래놀라",
                "비건 그래놀라 오리지널",
                "현미 시리얼",
                "잣 강정",
                "아몬드 그래놀라",
                "꿀 그래놀라",
                "유기농 오트밀",
            ),
            vocab=(
                ("유기농", "귀리", "코코넛", "비건", "꿀", "아몬드", "현미", "무설탕", "카카오"),
                ("그래놀라", "오트밀", "시리얼", "견과 믹스", "그래놀라바"),
                ("", "오리지널", "대용량"),
            ),
        ),
        Line(
            key="rice_cakes",
            category="rice-cakes",
            kind=FOOD,
            tax=TAXABLE,
            price=(4000, 15000),
            variants=(
                V("1팩", 300, 3, 1.0),
                V("3팩", 900, 9, 2.8),
                V("답례 상자 (20개입)", 1000, 20, 3.8),
            ),
            origins=("국내산 찹쌀 (경기 김포)", "국내산 쌀, 국내산 팥", "국내산 (충남 홍성)"),
            blurb="새벽에 방앗간에서 빻은 국산 쌀로 당일 만들어 보내는 떡과 전통과자입니다.",
            names=(
                "쑥 인절미",
                "현미 가래떡",
                "흑임자 인절미",
                "호박 설기",
                "모듬 떡 세트",
                "찹쌀 약과",
                "수제 양갱 (팥)",
                "유과",
                "오란다",
                "전통 한과 세트",
                "쌀 조청 강정",
                "콩고물 경단",
            ),
            vocab=(
                ("쑥", "현미", "흑임자", "호박", "찹쌀", "콩고물", "팥", "조청", "수제"),
                ("인절미", "가래떡", "설기", "약과", "양갱", "유과", "강정", "경단", "송편"),
                ("", "세트", "답례품"),
            ),
        ),
        Line(
            key="coffee",
            category="coffee",
            kind=DRINK,
            tax=TAXABLE,
            price=(6000, 18000),
            variants=(
                V("10개입", 100, 10, 1.0),
                V("30개입", 300, 30, 2.7),
                V("50개입 (사무실용)", 500, 50, 4.2),
            ),
            origins=(
                "에티오피아 (공정무역)",
                "콜롬비아",
                "과테말라",
                "라오스 (공정무역)",
                "원두: 브라질·콜롬비아, 로스팅: 서울 마포",
            ),
            blurb="공정무역 생두를 매주 서울의 자활 로스터리에서 볶아 신선하게 보냅니다.",
            dietary=("vegan",),
            names=(
                "공정무역 드립백 커피 (에티오피아)",
                "드립백 커피 콜롬비아",
                "디카페인 드립백",
                "유기농 원두 200g",
                "콜드브루 원액",
                "하우스 블렌드 원두",
                "과테말라 드립백",
                "케냐 AA 원두",
                "스페셜티 드립백 선물세트",
                "라오스 공정무역 원두",
                "카페라떼 스틱",
                "더치커피 앰플",
                "유기농 디카페인 원두",
            ),
            vocab=(
                (
                    "공정무역",
                    "유기농",
                    "디카페인",
                    "스페셜티",
                    "에티오피아",
                    "콜롬비아",
                    "과테말라",
                    "라오스",
                    "케냐",
                    "하우스 블렌드",
                ),
                ("드립백 커피", "원두", "콜드브루", "더치커피", "캡슐 커피"),
                ("", "", "선물세트", "오피스팩"),
            ),
        ),
        Line(
            key="tea",
            category="tea",
            kind=DRINK,
            tax=TAXABLE,
            price=(4500, 15000),
            variants=(
                V("티백 20개입", 30, 20, 1.0),
                V("티백 50개입", 75, 50, 2.2),
                V("선물 상자", 120, 40, 2.6),
            ),
            origins=(
                "국내산 (전남 보성)",
                "국내산 (경북 안동)",
                "국내산 (제주)",
                "국내산 (강원 평창)",
                "국내산 (경남 하동)",
            ),
            blurb="우리 땅에서 기른 원료를 덖고 말려 만든 차입니다. 회의실과 탕비실에 두기 "
            "좋습니다.",
            dietary=("vegan", "caffeine_free"),
            names=(
                "유기농 현미녹차",
                "보성 녹차 티백",
                "우엉차",
                "도라지 배차",
                "생강차 (국산 생강)",
                "유자차",
                "쌍화차",
                "캐모마일 허브티",
                "페퍼민트 허브티",
                "레몬밤 허브티",
                "둥굴레차",
                "메밀차",
                "보리차",
                "옥수수수염차",
                "꿀 유자차",
                "국화차",
                "히비스커스 블렌딩티",
                "유기농 루이보스 티",
                "하동 발효차",
            ),
            vocab=(
                ("유기농", "보성", "하동", "제주", "국산", "볶은", "수제"),
                (
                    "현미녹차",
                    "녹차",
                    "우엉차",
                    "도라지차",
                    "생강차",
                    "유자차",
                    "둥굴레차",
                    "보리차",
                    "메밀차",
                    "국화차",
                    "허브티",
                    "캐모마일",
                    "루이보스",
                    "발효차",
                ),
                ("", "티백", "선물세트"),
            ),
        ),
        Line(
            key="juice",
            category="juice",
            kind=DRINK,
            tax=TAXABLE,
            price=(3000, 14000),
            variants=(
                V("1병", 500, 2, 1.0),
                V("10포", 1000, 10, 2.4),
                V("30포 박스", 3000, 30, 6.0),
            ),
            origins=("국내산 (경북 청송)", "국내산 (제주)", "국내산 (충북 충주)", "국내산"),
            blurb="첨가물 없이 과일과 채소를 그대로 착즙해 담았습니다.",
            dietary=("vegan",),
            names=(
                "NFC 사과주스",
                "유기농 배 도라지즙",
                "양배추즙",
                "토마토 주스",
                "제주 감귤 주스",
                "ABC 주스",
                "포도즙",
                "복숭아 주스",
                "오미자 원액",
                "매실 원액",
                "블루베리즙",
                "유기농 당근 주스",
            ),
            vocab=(
                ("NFC", "유기농", "제주", "청송", "무가당", "착즙"),
                (
                    "사과주스",
                    "배즙",
                    "도라지즙",
                    "양배추즙",
                    "토마토 주스",
                    "감귤 주스",
                    "포도즙",
                    "오미자 원액",
                    "매실 원액",
                    "당근 주스",
                ),
                ("", "", "선물세트"),
            ),
        ),
        Line(
            key="kimchi",
            category="kimchi",
            kind=FOOD,
            tax=EXEMPT,
            price=(7000, 28000),
            variants=(
                V("1kg", 1000, 10, 1.0),
                V("2kg", 2000, 20, 1.85),
                V("3kg", 3000, 30, 2.6),
            ),
            origins=(
                "배추: 국내산 (전남 해남), 고춧가루: 국내산",
                "국내산 (강원 평창 고랭지 배추)",
                "무: 국내산, 고춧가루: 국내산 (경북 영양)",
                "국내산 100%",
            ),
            blurb="마을 어르신들이 국산 배추와 고춧가루로 담가 알맞게 익혀 보내는 김치입니다.",
            allergens=("shrimp",),
            names=(
                "포기김치",
                "맛김치",
                "총각김치",
                "깍두기",
                "백김치",
                "열무김치",
                "파김치",
                "갓김치",
                "비건 포기김치",
                "유기농 배추 포기김치",
                "동치미",
                "나박김치",
                "오이소박이",
            ),
            vocab=(
                ("해남", "평창", "유기농", "비건", "전라도식", "서울식", "저염"),
                (
                    "포기김치",
                    "맛김치",
                    "총각김치",
                    "깍두기",
                    "백김치",
                    "열무김치",
                    "파김치",
                    "갓김치",
                    "동치미",
                    "오이소박이",
                ),
                ("", "", "선물용"),
            ),
        ),
        Line(
            key="tofu",
            category="tofu",
            kind=FOOD,
            tax=EXEMPT,
            price=(2500, 9000),
            variants=(V("1모", 400, 4, 1.0), V("2모", 800, 8, 1.9), V("4모", 1600, 16, 3.6)),
            origins=("국산콩 (강원 홍천)", "국산콩 (경기 파주 장단콩)", "국산콩 100%"),
            blurb="국산콩을 맷돌에 갈아 간수로 굳힌 두부입니다. 새벽에 만들어 그날 보냅니다.",
            allergens=("soybean",),
            dietary=("vegan",),
            names=(
                "국산콩 두부",
                "유기농 순두부",
                "연두부",
                "국산콩 부침두부",
                "검은콩 두부",
                "유부",
                "비지",
                "유기농 두부",
                "손두부",
            ),
            vocab=(
                ("국산콩", "유기농", "검은콩", "장단콩", "손", "부침"),
                ("두부", "순두부", "연두부", "유부"),
                ("", "", "대용량"),
            ),
        ),
        Line(
            key="jam_honey",
            category="jam-honey",
            kind=FOOD,
            tax=TAXABLE,
            price=(6000, 25000),
            variants=(
                V("250g", 250, 12, 1.0),
                V("500g", 500, 25, 1.8),
                V("2병 세트", 500, 25, 1.9),
            ),
            origins=(
                "국내산 (충북 영동)",
                "국내산 (경남 거창)",
                "국내산 (제주)",
                "국내산 (전남 구례)",
            ),
            blurb="제철 과일과 꿀을 농가에서 직접 받아 작은 작업장에서 조금씩 만듭니다.",
            names=(
                "유기농 딸기잼",
                "블루베리잼",
                "무화과잼",
                "사과잼",
                "밤잼",
                "유자청",
                "생강청",
                "레몬청",
                ("아카시아 꿀", {"tax": EXEMPT}),
                ("밤꿀", {"tax": EXEMPT}),
                ("야생화 꿀", {"tax": EXEMPT}),
                ("유기농 벌꿀", {"tax": EXEMPT}),
                ("꿀스틱 30포", {"tax": EXEMPT}),
                "유기농 복숭아잼",
            ),
            vocab=(
                ("유기농", "제주", "영동", "거창", "구례", "수제", "저당"),
                (
                    "딸기잼",
                    "블루베리잼",
                    "무화과잼",
                    "사과잼",
                    "밤잼",
                    "유자청",
                    "생강청",
                    "레몬청",
                    "복숭아잼",
                ),
                ("", "", "선물세트"),
            ),
        ),
        Line(
            key="grains",
            category="grains",
            kind=FOOD,
            tax=EXEMPT,
            price=(4000, 14000),
            variants=(V("1kg", 1000, 10, 1.0), V("2kg", 2000, 20, 1.9), V("4kg", 4000, 40, 3.6)),
            origins=(
                "국내산 (충남 홍성)",
                "국내산 (전북 김제)",
                "국내산 (경기 여주)",
                "국내산 (강원 철원)",
            ),
            blurb="농약을 줄이고 땅을 살리는 농법으로 기른 곡물과 농산물입니다. 도정 후 바로 "
            "보냅니다.",
            dietary=("vegan", "gluten_free"),
            names=(
                "유기농 현미",
                "무농약 백미",
                "찹쌀",
                "오색 잡곡",
                "국산 귀리",
                "유기농 서리태",
                "국산 팥",
                "말린 표고버섯",
                "건나물 세트 (고사리·취나물)",
                ("유정란 15구", {"allergens": ["egg"], "dietary": []}),
                "곶감 선물세트",
                "국산 들깨",
                "햇감자 3kg",
                "친환경 고구마",
            ),
            vocab=(
                ("유기농", "무농약", "친환경", "홍성", "철원", "김제", "여주", "햅"),
                (
                    "현미",
                    "백미",
                    "찹쌀",
                    "잡곡",
                    "귀리",
                    "서리태",
                    "팥",
                    "들깨",
                    "표고버섯",
                    "고구마",
                    "감자",
                ),
                ("", "", "대용량"),
            ),
        ),
        Line(
            key="detergent",
            category="detergent",
            kind=OTHER,
            tax=TAXABLE,
            price=(3500, 18000),
            variants=(
                V("500ml", 550, 1, 1.0),
                V("리필 1L", 1050, 1, 1.6),
                V("3개 묶음", 1650, 1, 2.7),
            ),
            origins=("국내 제조 (서울 성동)", "국내 제조 (경기 부천)", "국내 제조"),
            blurb="식물성 원료로 만든 친환경 세제입니다. 자활기업 주민들이 소분하고 포장합니다.",
            marks=("친환경",),
            names=(
                "친환경 주방세제",
                "천연 세탁세제",
                "과탄산소다",
                "구연산 세정제",
                "베이킹소다",
                "다목적 세정제",
                "식기세척기 세제",
                "소프넛 세제",
                "섬유유연제 (무향)",
                "욕실 세정제",
            ),
            vocab=(
                ("친환경", "천연", "무향", "식물성", "리필", "대용량"),
                (
                    "주방세제",
                    "세탁세제",
                    "과탄산소다",
                    "구연산",
                    "베이킹소다",
                    "세정제",
                    "섬유유연제",
                    "소프넛",
                ),
                ("", "", "리필팩"),
            ),
        ),
        Line(
            key="soap",
            category="soap",
            kind=OTHER,
            tax=TAXABLE,
            price=(4000, 12000),
            variants=(
                V("1개", 100, 1, 1.0),
                V("3개 세트", 300, 1, 2.7),
                V("5개 세트", 500, 1, 4.3),
            ),
            origins=("국내 제조 (서울 은평)", "국내 제조 (서울 관악)", "국내 제조"),
            blurb="저온 숙성으로 만든 수제 비누입니다. 장애인 작업장에서 하나하나 자르고 "
            "포장합니다.",
            names=(
                "수제 올리브 비누",
                "쌀겨 비누",
                "녹차 비누",
                "숯 비누",
                "고체 샴푸바",
                "설거지 비누",
                "EM 비누",
                "어성초 비누",
                "동백 오일 비누",
                "아기 비누",
            ),
            vocab=(
                ("수제", "저온숙성", "천연", "올리브", "쌀겨", "녹차", "숯", "어성초", "동백"),
                ("비누", "샴푸바", "설거지 비누", "세안 비누"),
                ("", "", "세트"),
            ),
        ),
        Line(
            key="stationery",
            category="stationery",
            kind=OTHER,
            tax=TAXABLE,
            price=(2000, 15000),
            variants=(V("1개", 200, 1, 1.0), V("3개 묶음", 600, 1, 2.7)),
            origins=("국내 제작 (서울 중구)", "국내 제작"),
            blurb="재생지와 콩기름 잉크로 만든 문구입니다. 디자인과 인쇄를 청년 사회적기업이 "
            "맡았습니다.",
            marks=("재생지",),
            names=(
                "재생지 노트",
                "업사이클 다이어리",
                "2027 탁상 달력",
                "엽서 세트",
                "친환경 볼펜",
                "서울 일러스트 엽서북",
                "재생지 스케치북",
            ),
            vocab=(
                ("재생지", "업사이클", "친환경", "2027", "서울"),
                ("노트", "다이어리", "달력", "엽서 세트", "볼펜", "스케치북"),
                ("", "세트"),
            ),
        ),
        Line(
            key="ceramics",
            category="ceramics",
            kind=OTHER,
            tax=TAXABLE,
            price=(12000, 58000),
            variants=(V("백자", 400, 1, 1.0), V("분청", 400, 1, 1.0), V("청자", 400, 1, 1.05)),
            origins=("국내 제작 (경기 이천)", "국내 제작 (서울 성북)", "국내 제작 (경기 여주)"),
            blurb="물레로 빚어 가마에서 두 번 구운 생활 도자기입니다. 하나하나 모양이 조금씩 "
            "다릅니다.",
            names=(
                "백자 머그컵",
                "분청 찻잔 세트",
                "청자 접시",
                "옹기 밥그릇",
                "달항아리 미니",
                "도자기 수저받침",
                "핸드메이드 화병",
                "찻사발",
                "도자기 밥공기",
                "도자기 주전자",
            ),
            vocab=(
                ("백자", "분청", "청자", "옹기", "핸드메이드", "이천"),
                ("머그컵", "찻잔", "접시", "밥그릇", "화병", "찻사발", "수저받침", "주전자"),
                ("", "", "세트"),
            ),
        ),
        Line(
            key="woodwork",
            category="woodwork",
            kind=OTHER,
            tax=TAXABLE,
            price=(8000, 45000),
            variants=(V("기본", 600, 1, 1.0), V("각인 추가", 600, 1, 1.15)),
            origins=("국내 제작 (호두나무: 북미산)", "국내 제작 (편백: 국내산)", "국내 제작"),
            blurb="자투리 목재를 버리지 않고 다듬어 만든 원목 생활용품입니다. 식물성 오일로 "
            "마감했습니다.",
            names=(
                "원목 도마",
                "호두나무 트레이",
                "원목 수저 세트",
                "나무 필통",
                "원목 연필꽂이",
                "캠핑 원목 도마",
                "원목 독서대",
                "편백 큐브",
                "원목 코스터 4p",
                "원목 스툴",
            ),
            vocab=(
                ("원목", "호두나무", "편백", "참나무", "캠핑"),
                ("도마", "트레이", "수저 세트", "필통", "연필꽂이", "독서대", "코스터", "스툴"),
                ("", "", "세트"),
            ),
        ),
        Line(
            key="textile",
            category="textile-crafts",
            kind=OTHER,
            tax=TAXABLE,
            price=(5000, 35000),
            variants=(V("기본", 200, 1, 1.0), V("2개 세트", 400, 1, 1.9)),
            origins=("국내 제작 (서울 창신동)", "국내 제작 (서울 중랑)", "국내 제작"),
            blurb="봉제 마을 장인들이 한 땀씩 만든 섬유 소품입니다.",
            names=(
                "유기농 면 에코백",
                "손수건 3종",
                "천연 염색 스카프",
                "자수 파우치",
                "업사이클 가방",
                "면 행주 5매",
                "캔버스 앞치마",
            ),
            vocab=(
                ("유기농 면", "천연 염색", "업사이클", "자수", "캔버스", "리넨"),
                ("에코백", "손수건", "스카프", "파우치", "가방", "행주", "앞치마"),
                ("", "", "세트"),
            ),
        ),
        Line(
            key="gifts",
            category="gift-sets",
            kind=FOOD,
            tax=TAXABLE,
            price=(15000, 45000),
            variants=(V("1세트", 1500, 10, 1.0), V("5세트 (단체 주문)", 7500, 50, 4.6)),
            origins=("국내산 (구성품별 표시)", "국내산"),
            blurb="여러 사회적경제 기업의 대표 상품을 모은 선물세트입니다. 명절과 행사 답례품으로 "
            "많이 찾습니다.",
            names=(
                "명절 한과 선물세트",
                "쌀과자 선물세트",
                "드립백 커피 선물세트",
                "잼 3종 선물세트",
                "유기농 차 선물세트",
                ("비누 선물세트", {"kind": OTHER}),
                ("꿀 선물세트 (아카시아·밤꿀)", {"tax": EXEMPT}),
                "사회적경제 간식 꾸러미",
            ),
            vocab=(
                ("명절", "감사", "유기농", "사회적경제", "답례"),
                ("한과 선물세트", "쌀과자 선물세트", "커피 선물세트", "차 선물세트", "간식 꾸러미"),
                ("", "", "(소)", "(대)"),
            ),
        ),
    ]
}

# Which lines a vendor sells, by a keyword of its name or 종목 (first match wins).
LINE_KEYWORDS: list[tuple[tuple[str, ...], tuple[str, ...]]] = [
    (("베이커리", "제과", "제빵", "쿠키", "과자"), ("rice_snacks", "cookies", "granola", "gifts")),
    (("떡",), ("rice_cakes", "rice_snacks", "gifts")),
    (("커피", "카페", "공정무역"), ("coffee", "tea", "cookies")),
    (("두부",), ("tofu", "kimchi", "grains")),
    (("반찬", "도시락", "김치"), ("kimchi", "tofu", "jam_honey")),
    (("농부", "농산물", "생협", "먹거리", "생활재"), ("grains", "jam_honey", "juice", "tea")),
    (("식품", "가공식품", "마을"), ("jam_honey", "juice", "rice_snacks", "granola")),
    (("목공", "목제품", "목가구"), ("woodwork", "ceramics")),
    (("공방", "공예", "도자"), ("ceramics", "textile", "woodwork")),
    (("클린", "청소", "세탁", "방역"), ("detergent", "soap")),
    (("봉제", "의류"), ("textile", "soap")),
    (("인쇄", "디자인", "출판"), ("stationery", "textile")),
    (("업사이클", "재활용"), ("textile", "stationery")),
]
# Vendors without a matching keyword sell one of these mixes (chosen by their position).
DEFAULT_LINES: list[tuple[str, ...]] = [
    ("gifts", "tea", "soap"),
    ("coffee", "rice_snacks", "stationery"),
    ("juice", "granola", "detergent"),
    ("jam_honey", "cookies", "textile"),
]


def lines_for(*texts: str, position: int = 0) -> tuple[str, ...]:
    text = " ".join(t or "" for t in texts)
    for keywords, lines in LINE_KEYWORDS:
        if any(k in text for k in keywords):
            return lines
    return DEFAULT_LINES[position % len(DEFAULT_LINES)]


def has_line_keyword(*texts: str) -> bool:
    text = " ".join(t or "" for t in texts)
    return any(k in text for keywords, _ in LINE_KEYWORDS for k in keywords)


# --- attributes read from a product's name --------------------------------------------------

_ALLERGEN_WORDS: list[tuple[str, str]] = [
    (r"버터|우유|라떼|치즈|크림|밀크", "milk"),
    (r"땅콩|하루견과", "peanut"),
    (r"호두(?!나무)|하루견과", "walnut"),
    (r"(?<![가-힣])잣", "pine_nut"),
    (r"토마토|ABC", "tomato"),
    (r"복숭아", "peach"),
    (r"메밀", "buckwheat"),
    (r"서리태|검은콩|콩고물|두유|콩물", "soybean"),
    (r"카스테라|마들렌|휘낭시에", "egg"),
]
_NOT_VEGAN = re.compile(r"꿀|허니|버터|우유|라떼|치즈|크림|카스테라|마들렌|휘낭시에|스콘|유정란")
_CAFFEINE = re.compile(r"녹차|홍차|말차|발효차")


def name_attributes(line: Line, name: str, overrides: dict | None = None) -> dict:
    """Allergens, dietary tags, marks, tax type and kind of a product of ``line`` named ``name``."""
    overrides = overrides or {}
    allergens = set(line.allergens)
    dietary = set(line.dietary)
    marks = list(line.marks)
    if "비건" in name:
        allergens -= {"egg", "milk", "shrimp"}
        dietary.add("vegan")
    for pattern, code in _ALLERGEN_WORDS:
        if re.search(pattern, name):
            allergens.add(code)
    wheat_words = "밀" in name or "쿠키" in name or "크래커" in name
    if line.kind in (FOOD, DRINK) and wheat_words and "쌀" not in name and "메밀" not in name:
        allergens.add("wheat")
    if _NOT_VEGAN.search(name) or allergens & {"egg", "milk", "shrimp"}:
        dietary.discard("vegan")
    if "유기농" in name:
        dietary.add("organic")
        marks.append("유기농")
    if "무설탕" in name or "무가당" in name:
        dietary.add("sugar_free")
    if "디카페인" in name:
        dietary.add("caffeine_free")
    elif "caffeine_free" in dietary and _CAFFEINE.search(name):
        dietary.discard("caffeine_free")
    if "무농약" in name:
        marks.append("무농약")
    if "공정무역" in name:
        marks.append("공정무역")
    if line.kind in (FOOD, DRINK) and "HACCP" not in marks and line.key in ("kimchi", "tofu"):
        marks.append("HACCP")
    if line.kind == OTHER:
        allergens, dietary = set(), set()
    attrs = {
        "allergens": sorted(allergens),
        "dietary_tags": sorted(dietary),
        "certification_marks": ", ".join(dict.fromkeys(marks)),
        "tax_type": line.tax,
        "kind": line.kind,
    }
    if "allergens" in overrides:
        attrs["allergens"] = sorted(overrides["allergens"])
    if "dietary" in overrides:
        attrs["dietary_tags"] = sorted(overrides["dietary"])
    if "tax" in overrides:
        attrs["tax_type"] = overrides["tax"]
    if "kind" in overrides:
        attrs["kind"] = overrides["kind"]
        if overrides["kind"] == OTHER:
            attrs["allergens"], attrs["dietary_tags"] = [], []
    return attrs


def line_names(line: Line) -> list[tuple[str, dict]]:
    return [(n, {}) if isinstance(n, str) else (n[0], dict(n[1])) for n in line.names]


def round_price(amount: float) -> int:
    """Shop prices end in hundreds: ₩4,437 → ₩4,400 (never below ₩1,500)."""
    return max(1500, round(amount / 100.0) * 100)


MAX_PRICE = 60_000
