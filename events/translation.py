from modeltranslation.translator import TranslationOptions, register

from events.models import Event


@register(Event)
class EventTranslation(TranslationOptions):
    fields = ("title", "short_title", "description", "place")
    required_languages = {"en": ("title",)}
