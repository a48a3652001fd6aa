from django import forms
from django.utils.translation import gettext_lazy as _

from conversations.models import MAX_LENGTH

TEXT_ERRORS = {
    "required": _("Type your message."),
    "max_length": _(
        "Your message is too long: it can have at most %(limit_value)d letters. "
        "Send the rest in a second message."
    ),
    "null_characters_not_allowed": _("Your message has a character that cannot be sent."),
}


class MessageForm(forms.Form):
    """A family's message to a school. The school is chosen only when the family belongs to
    several; with one, the conversation is already that school's."""

    school = forms.ModelChoiceField(
        queryset=None,
        label=_("To which school?"),
        empty_label=None,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose the school you are writing to."),
            "invalid_choice": _("Choose the school you are writing to."),
        },
    )
    text = forms.CharField(
        label=_("Your message, in any language"),
        max_length=MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5, "dir": "auto"}),
        error_messages=TEXT_ERRORS,
    )

    def __init__(self, *args, schools=None, **kwargs):
        super().__init__(*args, **kwargs)
        if schools is None:
            del self.fields["school"]
        else:
            self.fields["school"].queryset = schools
            only = list(schools[:2])
            if len(only) == 1:
                # One school: nothing to choose; the message goes to it.
                self.fields["school"].widget = forms.HiddenInput()
                self.fields["school"].initial = only[0].pk
                self.fields["school"].required = False
                self._only_school = only[0]

    def clean_school(self):
        return self.cleaned_data.get("school") or getattr(self, "_only_school", None)


class CallbackForm(forms.Form):
    note = forms.CharField(
        label=_("What would you like to talk about? (you may leave this empty)"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "dir": "auto"}),
        error_messages={
            "max_length": _("Please write at most %(limit_value)d letters here."),
            "null_characters_not_allowed": _("Your message has a character that cannot be sent."),
        },
    )
