"""`{{ name|bdi }}`: a name typed by a person (a family, a school, an event), set apart from
the sentence around it. A Latin name inside an Arabic sentence, or an Arabic one inside an
English sentence, otherwise drags its neighbours' punctuation to the wrong side."""

from django import template
from django.utils.html import format_html

register = template.Library()


@register.filter
def bdi(value):
    return format_html("<bdi>{}</bdi>", value)
