"""Phone numbers: parsed from what people type, stored in E.164 (+12125550123)."""

import phonenumbers
from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _


def to_e164(text: str, region: str | None = None) -> str | None:
    try:
        number = phonenumbers.parse(text, region or settings.PHONE_DEFAULT_REGION)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def masked(phone: str | None) -> str:
    """For lists and logs: only the last two digits."""
    if not phone:
        return ""
    return "•" * max(0, len(phone) - 2) + phone[-2:]


class PhoneField(forms.CharField):
    default_error_messages = {
        "invalid": _(
            "This does not look like a mobile number. Type it with the area code, "
            "for example 212 555 0123, or with the country code, for example +52 55 1234 5678."
        ),
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 30)
        kwargs.setdefault("label", _("Mobile phone"))
        super().__init__(**kwargs)

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        attrs.update({"type": "tel", "autocomplete": "tel", "inputmode": "tel", "dir": "ltr"})
        return attrs

    def to_python(self, value):
        value = super().to_python(value)
        if not value:
            return value
        number = to_e164(value)
        if number is None:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return number
