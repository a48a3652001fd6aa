from modeltranslation.translator import TranslationOptions, register

from signups.volunteering.models import Opportunity


@register(Opportunity)
class OpportunityTranslation(TranslationOptions):
    fields = ("title", "description", "place", "skills")
    required_languages = {"en": ("title",)}
