from django import forms
from django.utils.translation import gettext_lazy as _

from messaging.phones import PhoneField
from portal.languages import ENDONYMS, LANGUAGE_CODES

NO_TIME = _("Choose a time for the meeting.")


class BookingForm(forms.Form):
    """One meeting: the time (only the free ones are offered), the child (optional), and
    whether the teacher should call instead. The interpreter's language was chosen before
    the times were shown (they depend on it) and comes back as a hidden field."""

    slot = forms.TypedChoiceField(
        label=_("Time"),
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": NO_TIME, "invalid_choice": NO_TIME},
    )
    interpreter_language = forms.ChoiceField(required=False, widget=forms.HiddenInput)
    child_name = forms.CharField(
        label=_("Your child's first name (optional)"),
        max_length=60,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "dir": "auto"}),
    )
    child_class = forms.CharField(
        label=_("Class (optional)"),
        max_length=30,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "dir": "auto"}),
    )
    by_phone = forms.BooleanField(
        label=_("I cannot come: please call me at this time"), required=False
    )
    phone = PhoneField(label=_("Phone number to call"), required=False)

    def __init__(self, *args, slots=(), languages=(), by_phone_offered=True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["slot"].choices = list(slots)
        self.fields["interpreter_language"].choices = [("", "")] + [
            (code, code) for code in languages
        ]
        if not by_phone_offered:
            del self.fields["by_phone"]
            del self.fields["phone"]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("by_phone") and not cleaned.get("phone") and "phone" not in self.errors:
            self.add_error("phone", _("Type the number the teacher should call."))
        return cleaned


class InterpreterChoiceForm(forms.Form):
    """Step one, a GET form: the interpreter's language, which decides the times offered."""

    in_error_summary = False

    interpreter = forms.ChoiceField(label=_("I need an interpreter"), required=False)

    def __init__(self, *args, languages=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["interpreter"].choices = [("", _("No, thank you"))] + [
            (code, ENDONYMS.get(code, code)) for code in languages
        ]


class OfferForm(forms.Form):
    """A parent offers to interpret at one of their schools."""

    school = forms.TypedChoiceField(label=_("School"), coerce=int)
    languages = forms.MultipleChoiceField(
        label=_("Languages I can interpret (besides English)"),
        widget=forms.CheckboxSelectMultiple,
        choices=[(code, ENDONYMS[code]) for code in LANGUAGE_CODES if code != "en"],
        error_messages={"required": _("Choose at least one language.")},
    )
    note = forms.CharField(
        label=_("When can you help? (optional)"),
        max_length=300,
        required=False,
        widget=forms.TextInput(attrs={"dir": "auto"}),
        help_text=_("For example: weekday afternoons."),
    )

    def __init__(self, *args, schools=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["school"].choices = [(s.pk, s.name) for s in schools]
        self.fields["school"].error_messages["invalid_choice"] = _("Choose one of your schools.")
        self.fields["school"].error_messages["required"] = _("Choose one of your schools.")
