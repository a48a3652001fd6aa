from django.utils import translation

from portal.languages import ENDONYMS, is_rtl


def language(request):
    code = translation.get_language() or "en"
    return {
        "lang_code": code,
        "lang_dir": "rtl" if is_rtl(code) else "ltr",
        "lang_endonym": ENDONYMS.get(code, code),
    }
