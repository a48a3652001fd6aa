from django import forms
from django.utils.translation import gettext_lazy as _

from signups.volunteering.models import MAX_PARTY

# The form's bounds are the model's (MAX_PARTY); the message says them in figures.
PEOPLE_RANGE = _("Enter how many people will help as a figure from 1 to 10.")


class SignupForm(forms.Form):
    """Who comes to help: the party as a whole (the places count people), and a note."""

    people = forms.IntegerField(
        label=_("How many people will help?"),
        help_text=_("Count yourself and everyone who comes with you to help."),
        min_value=1,
        max_value=MAX_PARTY,
        error_messages={
            "required": _("Enter how many people will help."),
            "invalid": PEOPLE_RANGE,
            "min_value": PEOPLE_RANGE,
            "max_value": PEOPLE_RANGE,
        },
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    note = forms.CharField(
        label=_("Anything the school should know? (optional)"),
        help_text=_("For example: the languages you speak, or that you can drive."),
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "max_length": _("Anything the school should know: write 300 characters or fewer."),
            "null_characters_not_allowed": _("Remove the special characters from the note."),
        },
    )
