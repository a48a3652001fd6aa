from functools import wraps

from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.views import redirect_to_login
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts.forms import PersonChangeForm, StaffCreationForm
from accounts.models import User


def _admin_login(view):
    """Staff log in through allauth, with its rate limits, not the admin's own form: on the
    staff login page, where the password field is shown at once."""
    secured = secure_admin_login(view)

    @wraps(view)
    def login(request, extra_context=None):
        if request.user.is_authenticated:
            return secured(request, extra_context)
        wanted = request.GET.get(REDIRECT_FIELD_NAME) or request.get_full_path()
        return redirect_to_login(wanted, reverse("account_staff_login"))

    return login


admin.site.login = _admin_login(admin.site.login)
admin.site.site_header = _("School portal: staff pages")
admin.site.site_title = _("School portal staff")
admin.site.index_title = _("What would you like to do?")


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    """People are managed by administrators only (staff have no permission here).

    schools.admin registers this page again with the person's staff roles under it."""

    form = PersonChangeForm
    add_form = StaffCreationForm
    ordering = ["email"]
    list_display = ["__str__", "email", "is_staff", "is_active"]
    search_fields = ["name", "email"]
    list_filter = ["is_staff", "is_superuser", "is_active"]
    fieldsets = [
        (None, {"fields": ["name", "email", "phone", "password"]}),
        (_("Access"), {"fields": ["is_active", "is_staff", "is_superuser"]}),
        (_("Dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (None, {"classes": ["wide"], "fields": ["name", "email", "password1", "password2"]}),
    ]
