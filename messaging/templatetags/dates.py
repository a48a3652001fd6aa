"""{% load dates %}: a page's dates in the same words as the family's texts and calls."""

from django import template
from django.utils.translation import get_language

from messaging import dates

register = template.Library()


@register.filter
def weekday_date(value):
    """ "jeudi 4 janvier 2027": weekday, day, month and year, at the time zone value is in."""
    if not value:
        return ""
    return dates.weekday_date(value, get_language(), value.tzinfo)
