from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from accounts.forms import PersonChangeForm, StaffCreationForm
from accounts.models import User

# Staff log in through allauth's login page, with its rate limits, not the admin's own form.
admin.site.login = secure_admin_login(admin.site.login)
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
