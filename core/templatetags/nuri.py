from django import template

from core.money import format_krw

register = template.Library()


@register.filter
def krw(value):
    """{{ amount|krw }} -> ₩12,000"""
    return format_krw(value)


@register.filter
def won(value):
    """{{ amount|won }} -> 12,000원"""
    return format_krw(value, style="won")
