"""``{% load procurement %}{% procurement "INSPECTION_DAYS" %}``: the procurement numbers in
templates come from ``purchasing.rules.procurement_settings()`` too, never from the text."""

from django import template

from purchasing.rules import procurement_settings

register = template.Library()


@register.simple_tag
def procurement(key: str):
    return str(procurement_settings()[key])
