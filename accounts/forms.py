from allauth.account import forms as allauth_forms
from django import forms
from django.contrib.auth.forms import BaseUserCreationForm, UserChangeForm
from django.utils.translation import gettext_lazy as _

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
        return cleaned
