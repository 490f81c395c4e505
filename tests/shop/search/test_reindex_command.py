"""``manage.py search_reindex``: batches, progress bar on a terminal, count and throughput."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from shop.search.models import ProductSearchDocument
from shop.search.registry import get_backend
from tests.factories.catalog import ProductFactory


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.django_db
def test_reindex_prints_count_and_throughput():
    products = ProductFactory.create_batch(3, name="천연 비누")
    ProductFactory(name="비공개 비누", is_published=False)
    out, err = io.StringIO(), io.StringIO()
    call_command("search_reindex", stdout=out, stderr=err)
    text = out.getvalue()
    assert "상품 3개 색인 완료" in text
    assert "초당" in text
    assert err.getvalue() == ""  # no bar when stderr is not a terminal
    assert ProductSearchDocument.objects.count() == 3
    assert sorted(get_backend().search("비누")) == sorted(p.pk for p in products)


@pytest.mark.django_db
def test_reindex_shows_a_progress_bar_on_a_terminal():
    ProductFactory.create_batch(2, name="유기농 현미차")
    err = FakeTerminal()
    call_command("search_reindex", stdout=io.StringIO(), stderr=err)
    bar = err.getvalue()
    assert "색인 중" in bar
    assert "2/2" in bar


@pytest.mark.django_db
def test_reindex_selected_products():
    product = ProductFactory(name="도자기 머그컵")
    out = io.StringIO()
    call_command("search_reindex", "--products", str(product.pk), stdout=out)
    assert "상품 1개 다시 색인 완료" in out.getvalue()
    assert get_backend().search("머그컵") == [product.pk]
