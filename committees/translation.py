from modeltranslation.translator import TranslationOptions, register

from committees.models import Committee


@register(Committee)
class CommitteeTranslation(TranslationOptions):
    fields = ("name", "description", "meets")
    required_languages = {"en": ("name", "description")}
