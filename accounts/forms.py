from allauth.account import forms as allauth_forms
from allauth.core import context
from django import forms
from django.contrib.auth.forms import BaseUserCreationForm, UserChangeForm
from django.utils.translation import gettext_lazy as _

from accounts import limits
from accounts.models import User


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
    """allauth's form, but one of phone or email must be given (both empty crashed it)."""

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("phone") and not cleaned.get("email") and not self.errors:
            raise forms.ValidationError(
                _("Type a mobile number or an email address, so we can send you a code."),
                code="no_contact",
            )
        login = cleaned.get("phone") or cleaned.get("email")
        if login and not self.errors:
            # No code for a number that is paused today, whether it has an account or not.
            limits.refuse_if_paused(context.request, login)
        return cleaned


class WrongCodesCounted:
    """A code form that counts wrong codes per number (or email) and per address, and
    checks none, not even the right one, once either is paused for the day (RELIABILITY
    B1)."""

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
