"""purchasing: public agencies buying from social-economy vendors (DESIGN.md, DOMAIN.md).

Agencies and their buyers, yearly priority-purchase plans, quote requests (RFQ) and quotes,
the contract-route rule (``rules.py``), orders on invoice from accepted quotes, delivery,
inspection (검수) and payment, and the priority-purchase report.
"""
