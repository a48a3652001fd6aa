"""Phone numbers: parsed from what people type, stored in E.164 (+12125550123).

Here in messaging, the lowest app, because the outbox decides which numbers may be texted
(can_text) and the sign-up and login forms above it must refuse the same numbers."""

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


def tel_uri(text: str, region: str | None = None) -> str:
    """A link a phone can dial: "tel:" and the number in E.164, without spaces (RFC 3966; a
    tel: with spaces is invalid HTML). Unlike to_e164 the number need only be possible, not
    assigned: a school's number is shown, never texted. "" when it cannot be a number."""
    try:
        number = phonenumbers.parse(text, region or settings.PHONE_DEFAULT_REGION)
    except phonenumbers.NumberParseException:
        return ""
    if not phonenumbers.is_possible_number(number):
        return ""
    return "tel:" + phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


# What we text or call: a mobile number (or one that may be mobile, as every US number is). A
# VOIP number is allowed: many families use a free app number (TextNow, Google Voice) as
# their only number, and it costs the usual price. Premium-rate, shared-cost, toll-free,
# personal (UK 070, a known fraud route), pager, satellite and unknown numbers are refused.
TEXTABLE_TYPES = {
    phonenumbers.PhoneNumberType.MOBILE,
    phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
    phonenumbers.PhoneNumberType.VOIP,
}


def why_not_textable(phone: str | None) -> str:
    """Why we may not text or call this E.164 number: "country", "type", or "" when we may
    (RELIABILITY B6: SMS pumping goes through foreign and premium-rate numbers)."""
    try:
        number = phonenumbers.parse(phone or "", None)
    except phonenumbers.NumberParseException:
        return "type"
    allowed = {code.upper() for code in settings.SMS_ALLOWED_COUNTRIES}
    if phonenumbers.region_code_for_number(number) not in allowed:
        return "country"
    if phonenumbers.number_type(number) not in TEXTABLE_TYPES:
        return "type"
    return ""


def can_text(phone: str | None) -> bool:
    return bool(phone) and not why_not_textable(phone)


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
        "country": _(
            "We can only send text messages to mobile numbers from this country. "
            "Please type a local mobile number."
        ),
        "type": _(
            "We cannot send text messages to this kind of number (landline, toll-free or "
            "paid service). Please type a mobile number."
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
        if problem := why_not_textable(number):
            raise forms.ValidationError(self.error_messages[problem], code=problem)
        return number
