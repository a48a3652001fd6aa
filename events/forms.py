from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from events.models import Rsvp, WalkIn
from portal.languages import language_choices


class RsvpForm(forms.Form):
    going = forms.TypedChoiceField(
        label=_("Will you come?"),
        choices=[
            ("yes", pgettext_lazy("rsvp", "Yes, we will come")),
            ("no", pgettext_lazy("rsvp", "No, we cannot come")),
        ],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        initial="yes",
    )
    adults = forms.IntegerField(label=_("How many adults?"), min_value=0, max_value=20, initial=1)
    children = forms.IntegerField(
        label=_("How many children?"), min_value=0, max_value=20, initial=0
    )
    needs_interpreter = forms.BooleanField(label=_("We need an interpreter"), required=False)
    interpreter_language = forms.ChoiceField(
        label=_("Interpreter for which language?"), choices=language_choices("—"), required=False
    )
    needs_childcare = forms.BooleanField(label=_("We need childcare"), required=False)
    other_needs = forms.CharField(
        label=_("Anything else we should know? (optional)"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean(self):
        cleaned = super().clean()
        if (
            cleaned.get("going")
            and (cleaned.get("adults") or 0) + (cleaned.get("children") or 0) < 1
        ):
            raise forms.ValidationError(_("Count at least one person."), code="empty_party")
        if cleaned.get("needs_interpreter") and not cleaned.get("interpreter_language"):
            self.add_error("interpreter_language", _("Choose the language for the interpreter."))
        return cleaned

    @classmethod
    def initial_for(cls, family, rsvp: Rsvp | None):
        if rsvp is not None:
            return {
                "going": "yes" if rsvp.status != Rsvp.Status.NOT_GOING else "no",
                "adults": rsvp.adults,
                "children": rsvp.children,
                "needs_interpreter": rsvp.needs_interpreter,
                "interpreter_language": rsvp.interpreter_language
                or family.interpreter_language
                or family.language,
                "needs_childcare": rsvp.needs_childcare,
                "other_needs": rsvp.other_needs,
            }
        return {
            "going": "yes",
            "adults": 1,
            "children": 0,
            "needs_interpreter": family.wants_interpreter,
            "interpreter_language": family.interpreter_language or family.language,
        }


class WalkInForm(forms.ModelForm):
    class Meta:
        model = WalkIn
        fields = ["name", "language", "people"]
        widgets = {"people": forms.NumberInput(attrs={"min": 1, "max": 20})}

    def clean_people(self):
        people = self.cleaned_data["people"]
        if not 1 <= people <= 20:
            raise forms.ValidationError(_("Between 1 and 20 people."))
        return people


class DoorCodeForm(forms.Form):
    code = forms.CharField(
        label=_("Family pass code"),
        max_length=200,
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters", "dir": "ltr"}
        ),
    )
