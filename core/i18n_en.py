"""English translations of the Korean UI (msgid → English). Korean is the source language."""

EN = {
    "누리": "Nuri",
    "서울 사회적경제 장터": "Seoul social economy marketplace",
    "상품 검색": "Search products",
    "검색": "Search",
    "분류": "Categories",
    "사회적경제 조직": "Social economy organizations",
    "입점 기업": "Vendors",
    "입점 신청": "Apply to sell",
    "판매자 센터": "Seller centre",
    "로그아웃": "Log out",
    "로그인": "Log in",
    "회원가입": "Sign up",
    "Korean": "Korean",
    "English": "English",
    "장바구니": "Cart",
    "주문 내역": "Orders",
}
