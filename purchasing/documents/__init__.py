"""Documents in Korean: 견적서, 거래명세서, 세금계산서 data (PDF with an embedded Korean font, CSV).

Plain data in (``purchasing.documents.data``), bytes out (``purchasing.documents.pdf``); rendering
in the background and caching by data digest in ``purchasing.documents.tasks``. This package
imports no model: the purchasing app adapts its objects to ``DocumentData`` and registers a
provider (``purchasing.documents.registry.register_provider``).
"""
