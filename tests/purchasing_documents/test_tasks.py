from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from purchasing.documents import tasks
from purchasing.documents.data import DocumentData
from purchasing.documents.registry import (
    UnknownDocumentSource,
    get_provider,
    load_document_data,
    register_provider,
    registered_object_types,
    unregister_provider,
)
from purchasing.documents.storage import document_digest


class FakeQuotes:
    """Stands in for the purchasing app's adapter: object id → DocumentData ("the database")."""

    def __init__(self, base: DocumentData):
        self.rows = {7: base}
        self.calls = 0

    def __call__(self, object_id) -> DocumentData:
        self.calls += 1
        return self.rows[int(object_id)]


@pytest.fixture
def media(settings, tmp_path) -> Path:
    settings.MEDIA_ROOT = str(tmp_path)
    return tmp_path


@pytest.fixture
def fake_quotes(quote_data):
    provider = FakeQuotes(quote_data)
    register_provider("fake_quote", provider)
    yield provider
    unregister_provider("fake_quote")


@pytest.fixture
def render_count(monkeypatch):
    calls = []
    real = tasks.render_pdf

    def counting(data, kind=None):
        calls.append((kind, data.number))
        return real(data, kind)

    monkeypatch.setattr(tasks, "render_pdf", counting)
    return calls


def test_task_renders_once_and_caches(media, fake_quotes, quote_data, render_count):
    path = tasks.render_document.delay("quote", "fake_quote", 7).get()
    digest = document_digest(quote_data, "quote")
    assert path == str(media / "private/documents/fake_quote/7" / f"quote-{digest}.pdf")
    assert Path(path).read_bytes().startswith(b"%PDF")
    assert render_count == [("quote", "Q-2025-0001")]

    again = tasks.render_document.delay("quote", "fake_quote", 7).get()
    assert again == path
    assert len(render_count) == 1  # served from the cache
    assert fake_quotes.calls == 2  # the data is always read: it is the cache key


def test_changed_numbers_give_a_new_file(media, fake_quotes, quote_data, render_count):
    first = Path(tasks.render_document.delay("quote", "fake_quote", 7).get())
    lines = list(quote_data.lines)
    lines[0] = dataclasses.replace(lines[0], quantity=31)
    fake_quotes.rows[7] = dataclasses.replace(quote_data, lines=tuple(lines))
    second = Path(tasks.render_document.delay("quote", "fake_quote", 7).get())
    assert second != first
    assert second.parent == first.parent
    assert first.exists()
    assert second.exists()
    assert len(render_count) == 2
    # and back to the first data: its file is reused, never a stale one
    fake_quotes.rows[7] = quote_data
    assert Path(tasks.render_document.delay("quote", "fake_quote", 7).get()) == first
    assert len(render_count) == 2


def test_digest_covers_every_field(quote_data):
    digest = document_digest(quote_data)
    assert len(digest) == 24
    assert document_digest(quote_data) == digest
    assert document_digest(quote_data, "statement") != digest
    assert document_digest(dataclasses.replace(quote_data, notes="다른 메모")) != digest
    assert document_digest(dataclasses.replace(quote_data, contract_route_note="")) != digest
    buyer = dataclasses.replace(quote_data.buyer, address="다른 주소")
    assert document_digest(dataclasses.replace(quote_data, buyer=buyer)) != digest


def test_get_or_render(media, fake_quotes, render_count):
    first = tasks.get_or_render("quote", "fake_quote", 7)
    assert first.rendered is True
    assert first.path.is_file()
    assert first.name.startswith("private/documents/fake_quote/7/quote-")
    assert first.filename == "견적서_Q-2025-0001.pdf"
    second = tasks.get_or_render("quote", "fake_quote", "7")
    assert second.rendered is False
    assert second.path == first.path
    assert second.read_bytes() == first.read_bytes()
    assert len(render_count) == 1


def test_the_same_provider_serves_other_kinds(media, fake_quotes):
    statement = tasks.get_or_render("statement", "fake_quote", 7)
    invoice = tasks.get_or_render("tax_invoice", "fake_quote", 7)
    assert statement.path.name.startswith("statement-")
    assert invoice.path.name.startswith("tax_invoice-")
    assert statement.filename.startswith("거래명세서_")
    assert tasks.document_csv("fake_quote", 7).startswith("\ufeff구분,")


def test_registry_kind_specific_provider_wins(quote_data):
    general = lambda object_id: quote_data  # noqa: E731
    register_provider("fake_order", general)

    @register_provider("fake_order", kind="tax_invoice")
    def invoice(object_id):
        return dataclasses.replace(quote_data, number=f"T-{object_id}")

    try:
        assert get_provider("fake_order") is general
        assert get_provider("fake_order", "statement") is general
        assert get_provider("fake_order", "tax_invoice") is invoice
        assert "fake_order" in registered_object_types()
        data = load_document_data("tax_invoice", "fake_order", 3)
        assert (data.kind, data.number) == ("tax_invoice", "T-3")
        assert load_document_data("statement", "fake_order", 3).kind == "statement"
    finally:
        unregister_provider("fake_order", kind="tax_invoice")
        unregister_provider("fake_order")
    with pytest.raises(UnknownDocumentSource):
        get_provider("fake_order")


def test_unknown_object_type_and_bad_providers(media, quote_data):
    with pytest.raises(UnknownDocumentSource):
        tasks.render_document.delay("quote", "no_such_type", 1)
    with pytest.raises(ValueError, match="not a valid DocumentKind"):
        load_document_data("invoice", "no_such_type", 1)
    register_provider("fake_bad", lambda object_id: {"total": 1})
    try:
        with pytest.raises(TypeError, match="returned dict"):
            tasks.get_or_render("quote", "fake_bad", 1)
    finally:
        unregister_provider("fake_bad")


def test_object_ids_cannot_escape_the_documents_folder(media, quote_data):
    register_provider("fake_any", lambda object_id: quote_data)
    register_provider("../up", lambda object_id: quote_data)
    try:
        for object_id in ("../../etc", "a/b", "", "x" * 65):
            with pytest.raises(ValueError, match="object_id"):
                tasks.get_or_render("quote", "fake_any", object_id)
        with pytest.raises(ValueError, match="object_type"):
            tasks.get_or_render("quote", "../up", 7)
    finally:
        unregister_provider("fake_any")
        unregister_provider("../up")
    assert not any(media.rglob("*.pdf"))


@pytest.mark.django_db
def test_schedule_render_runs_after_commit(
    media, fake_quotes, render_count, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        tasks.schedule_render("quote", "fake_quote", 7)
        assert render_count == []  # nothing before the commit
    assert len(callbacks) == 1
    assert len(render_count) == 1
    assert list((media / "private/documents/fake_quote/7").glob("quote-*.pdf"))
