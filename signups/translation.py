from modeltranslation.translator import TranslationOptions, register

from signups.models import ConferenceDay


@register(ConferenceDay)
class ConferenceDayTranslation(TranslationOptions):
    # What a family reads of a conference day besides the dates and names: the place, in
    # its language (English when the school has not translated it), as events' place.
    fields = ("place",)
