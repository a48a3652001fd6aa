from django.contrib.auth.forms import BaseUserCreationForm, UserChangeForm

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
