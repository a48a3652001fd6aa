from allauth.account import forms as allauth_forms
from allauth.core import context
from django import forms
from django.contrib.auth.forms import BaseUserCreationForm, UserChangeForm
from django.utils.translation import gettext_lazy as _

from accounts import limits
from accounts.models import User
from messaging.phones import PhoneField


class StaffCreationForm(BaseUserCreationForm):
    class Meta:
        model = User
        fields = ("name", "email")


class PersonChangeForm(UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"
        field_classes = {}


class RequestLoginCodeForm(allauth_forms.RequestLoginCodeForm):
    """allauth's form with one box, "Mobile number or email": with its two boxes a parent who
    typed a number into the first was told to type a valid email. What was typed decides:
    with an "@" it is an email, otherwise a phone number (local or international). allauth's
    own checks then run unchanged (its rate limit, no word on whether an account exists)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields.pop("phone", None)
        self.fields.pop("email", None)
        self.fields["login"] = forms.CharField(
            label=_("Mobile number or email"),
            max_length=254,
            error_messages={
                "required": _("Type your mobile number or your email address."),
                "max_length": _("This is too long for a mobile number or an email address."),
            },
            widget=forms.TextInput(
                attrs={
                    "autocomplete": "username",
                    "autocapitalize": "none",
                    "spellcheck": "false",
                    "dir": "ltr",
                }
            ),
        )
        if self.is_bound and "login" not in self.data:
            # A page opened before the change (kept in a phone's browser) posts the old two
            # boxes: their value goes in the one box, so it still works.
            data = self.data.copy()
            data["login"] = self.data.get("phone") or self.data.get("email") or ""
            self.data = data

    def clean_login(self):
        value = self.cleaned_data["login"].strip()
        if "@" in value:
            try:
                self.cleaned_data["email"] = allauth_forms.EmailField().clean(value)
            except forms.ValidationError:
                raise forms.ValidationError(
                    _(
                        "This email address is not complete. Check it: it looks like "
                        "name@example.com."
                    ),
                    code="invalid_email",
                ) from None
            self.clean_email()
        else:
            try:
                self.cleaned_data["phone"] = PhoneField(required=True).clean(value)
            except forms.ValidationError as error:
                if error.code != "invalid":
                    raise  # a number we cannot text: PhoneField says why
                raise forms.ValidationError(
                    _(
                        "This does not look like a mobile number or an email address. Type "
                        "the number with its area code, for example 212 555 0123, or the "
                        "country code, for example +52 55 1234 5678."
                    ),
                    code="invalid",
                ) from None
            self.clean_phone()
        return value

    def clean(self):
        cleaned = super().clean()
        login = cleaned.get("phone") or cleaned.get("email")
        if login and not self.errors:
            # No code for a number that is paused today, whether it has an account or not.
            limits.refuse_if_paused(context.request, login)
        return cleaned


class WrongCodesCounted:
    """A code form that counts wrong codes per number (or email) and per address, and
    checks none, not even the right one, once either is paused for the day (RELIABILITY
    B1)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Named, for the error summary: "This field is required" says nothing there.
        self.fields["code"].error_messages["required"] = _("Type the code we sent you.")

    def login_for_code(self) -> str:
        raise NotImplementedError

    def clean_code(self):
        request, login = context.request, self.login_for_code()
        if login:
            limits.refuse_if_paused(request, login)
        try:
            return super().clean_code()
        except forms.ValidationError:
            if login:
                limits.record_wrong_code(request, login)
            raise


class ConfirmLoginCodeForm(WrongCodesCounted, allauth_forms.ConfirmLoginCodeForm):
    def login_for_code(self):
        # The pending login by code names the phone or email the code was sent to.
        stage = getattr(context.request, "_login_stage", None)
        state = stage.state if stage is not None else {}
        return state.get("phone") or state.get("email") or ""


class VerifyPhoneForm(WrongCodesCounted, allauth_forms.VerifyPhoneForm):
    def login_for_code(self):
        return self.phone or ""
