from modeltranslation.translator import TranslationOptions, register

from schools.models import District, Guide, GuideSection, School


@register(District)
class DistrictTranslation(TranslationOptions):
    fields = ("name",)
    required_languages = ("en",)


@register(School)
class SchoolTranslation(TranslationOptions):
    fields = ("name", "welcome", "safe_zone")
    required_languages = ("en",)


@register(Guide)
class GuideTranslation(TranslationOptions):
    fields = ("title", "summary")
    required_languages = ("en",)


@register(GuideSection)
class GuideSectionTranslation(TranslationOptions):
    fields = ("title", "body")
    required_languages = {"en": ("title", "body")}
