from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from events.models import Rsvp, WalkIn
from portal.languages import language_choices

YES_NO = [
    ("yes", pgettext_lazy("rsvp", "Yes, we will come")),
    ("no", pgettext_lazy("rsvp", "No, we cannot come")),
]


def _count_errors(required, out_of_range):
    # One message per problem that names the field, in the words of the question.
    return {
        "required": required,
        "invalid": out_of_range,
        "min_value": out_of_range,
        "max_value": out_of_range,
    }


class AnswerForm(forms.Form):
    """Step one: coming or not, nothing chosen for the family."""

    going = forms.TypedChoiceField(
        label=_("Will you come?"),
        choices=YES_NO,
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose yes if you will come, or no if you cannot."),
            "invalid_choice": _("Choose yes if you will come, or no if you cannot."),
        },
    )


class PartyForm(forms.Form):
    """Step two, only for "yes": who is coming and the help they need. Every problem is
    reported at once, each on its own field."""

    adults = forms.IntegerField(
        label=_("How many adults?"),
        min_value=0,
        max_value=20,
        error_messages=_count_errors(
            _("Enter how many adults are coming."),
            _("Enter the number of adults as a figure from 0 to 20."),
        ),
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    children = forms.IntegerField(
        label=_("How many children?"),
        min_value=0,
        max_value=20,
        error_messages=_count_errors(
            _("Enter how many children are coming (0 if none)."),
            _("Enter the number of children as a figure from 0 to 20."),
        ),
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    needs_interpreter = forms.BooleanField(label=_("We need an interpreter"), required=False)
    interpreter_language = forms.ChoiceField(
        label=_("Interpreter for which language?"),
        choices=language_choices("—"),
        required=False,
        error_messages={"invalid_choice": _("Choose the language for the interpreter.")},
    )
    needs_childcare = forms.BooleanField(label=_("We need childcare"), required=False)
    other_needs = forms.CharField(
        label=_("Anything else we should know? (optional)"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "max_length": _("Anything else we should know: write 500 characters or fewer.")
        },
    )

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("needs_interpreter"):
            # No interpreter wanted: the language box is not asked, so nothing in it counts.
            self.errors.pop("interpreter_language", None)
            cleaned["interpreter_language"] = ""
        elif not cleaned.get("interpreter_language") and "interpreter_language" not in self.errors:
            self.add_error("interpreter_language", _("Choose the language for the interpreter."))
        adults, children = cleaned.get("adults"), cleaned.get("children")
        if adults is not None and children is not None and adults + children < 1:
            self.add_error(
                "adults", forms.ValidationError(_("Count at least one person."), code="empty_party")
            )
        return cleaned

    @classmethod
    def initial_for(cls, family, rsvp: Rsvp | None):
        if rsvp is not None and rsvp.status != Rsvp.Status.NOT_GOING:
            return {
                "adults": rsvp.adults,
                "children": rsvp.children,
                "needs_interpreter": rsvp.needs_interpreter,
                "interpreter_language": rsvp.interpreter_language
                or family.interpreter_language
                or family.language,
                "needs_childcare": rsvp.needs_childcare,
                "other_needs": rsvp.other_needs,
            }
        # A first answer: the count is left for the family to type; the help they told us
        # about in their profile is ticked, in their language.
        return {
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
