from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accounts.models import AuditEvent
from families import services
from families.models import Family, FamilyPass, Feedback, Membership, PassCheck
from messaging.phones import masked
from schools.access import ScopedAdmin, ScopedInline


class MembershipInline(ScopedInline, admin.TabularInline):
    model = Membership
    extra = 0
    fields = ["school", "status", "via", "created_at"]
    readonly_fields = ["school", "via", "created_at"]

    def get_queryset(self, request):
        # Only this staff member's schools: a family's other schools are not their business.
        from schools.access import family_schools_for

        return super().get_queryset(request).filter(school__in=family_schools_for(request.user))


@admin.register(Family)
class FamilyAdmin(ScopedAdmin):
    """Staff see a family's name, language and needs; the phone only masked (RELIABILITY C5)."""

    school_path = "memberships__school"
    staff_actions = frozenset({"view", "change"})
    district_actions = frozenset()
    list_display = ["display_name", "language", "channel", "phone_masked", "wants_interpreter"]
    list_filter = ["language", "channel", "wants_interpreter"]
    search_fields = ["display_name"]
    fields = [
        "display_name",
        "language",
        "channel",
        "phone_masked",
        "wants_interpreter",
        "interpreter_language",
        "created_at",
    ]
    readonly_fields = ["phone_masked", "created_at"]
    inlines = [MembershipInline]
    actions = ["reissue_pass"]

    def get_queryset(self, request):
        return super().get_queryset(request).filter(erased_at__isnull=True).distinct()

    @admin.display(description=_("mobile phone"))
    def phone_masked(self, obj):
        return masked(obj.phone) or "—"

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        family = Family.objects.filter(pk=object_id).first() if str(object_id).isdecimal() else None
        if family is not None:
            AuditEvent.record(request.user, "view", family, allowed=response.status_code == 200)
        return response

    def _get_obj_does_not_exist_redirect(self, request, opts, object_id):
        if str(object_id).isdecimal() and Family.objects.filter(pk=object_id).exists():
            AuditEvent.record(request.user, "view", Family(pk=object_id), allowed=False)
        return super()._get_obj_does_not_exist_redirect(request, opts, object_id)

    @admin.action(description=_("Give a new pass (the old one stops working)"))
    def reissue_pass(self, request, queryset):
        for family in queryset:
            services.reissue_pass(family)
            AuditEvent.record(request.user, "reissue_pass", family)
        self.message_user(
            request,
            ngettext("%(count)d new pass made.", "%(count)d new passes made.", queryset.count())
            % {"count": queryset.count()},
            messages.SUCCESS,
        )


@admin.register(Membership)
class MembershipAdmin(ScopedAdmin):
    school_path = "school"
    staff_actions = frozenset({"view", "change"})
    district_actions = frozenset()
    list_display = ["family", "school", "status", "via", "created_at"]
    list_filter = ["status", "via"]
    list_select_related = ["family", "school"]
    search_fields = ["family__display_name"]
    fields = ["family", "school", "status", "via", "created_at", "decided_at"]
    readonly_fields = ["family", "school", "via", "created_at", "decided_at"]
    actions = ["confirm", "decline"]

    def get_queryset(self, request):
        return super().get_queryset(request).filter(family__erased_at__isnull=True)

    @admin.action(description=_("Confirm: this family belongs to our school"))
    def confirm(self, request, queryset):
        for membership in queryset:
            services.decide_membership(membership, confirm=True)
        self.message_user(request, _("Confirmed."), messages.SUCCESS)

    @admin.action(description=_("Do not confirm"))
    def decline(self, request, queryset):
        for membership in queryset:
            services.decide_membership(membership, confirm=False)
        self.message_user(request, _("Not confirmed."), messages.SUCCESS)


@admin.register(FamilyPass)
class FamilyPassAdmin(ScopedAdmin):
    school_path = "family__memberships__school"
    staff_actions = frozenset({"view"})
    district_actions = frozenset()
    list_display = ["short_code", "family", "issued_at", "revoked_at"]
    list_select_related = ["family"]
    search_fields = ["short_code", "family__display_name"]
    fields = ["family", "short_code", "issued_at", "revoked_at"]
    readonly_fields = fields
    actions = ["revoke"]

    def get_queryset(self, request):
        return super().get_queryset(request).distinct()

    def has_change_permission(self, request, obj=None):
        # Actions need "change"; the rows themselves are read-only (readonly_fields).
        return self._allowed_object(request, obj, "view")

    @admin.action(description=_("Cancel the pass (it reads “not valid” at once)"))
    def revoke(self, request, queryset):
        for family_pass in queryset:
            services.revoke_pass(family_pass)
            AuditEvent.record(request.user, "revoke_pass", family_pass)
        self.message_user(request, _("Cancelled."), messages.SUCCESS)


@admin.register(PassCheck)
class PassCheckAdmin(ScopedAdmin):
    school_path = "school"
    staff_actions = frozenset({"view"})
    district_actions = frozenset()
    list_display = ["checked_at", "school", "result", "checked_by"]
    list_filter = ["result"]
    list_select_related = ["school", "checked_by"]
    fields = ["checked_at", "school", "result", "checked_by", "family_pass"]
    readonly_fields = fields


class AnsweredFilter(admin.SimpleListFilter):
    """ "Not answered yet" is the list the admin's front page links to (portal.front_door)."""

    title = _("answered")
    parameter_name = "answered"

    def lookups(self, request, model_admin):
        return [("no", _("Not answered yet")), ("yes", _("Answered"))]

    def queryset(self, request, queryset):
        if self.value() in ("no", "yes"):
            return queryset.filter(answered_at__isnull=self.value() == "no")
        return queryset


@admin.register(Feedback)
class FeedbackAdmin(ScopedAdmin):
    school_path = "school"
    staff_actions = frozenset({"view", "change"})
    district_actions = frozenset()
    list_display = ["created_at", "kind", "school", "language", "answered"]
    list_filter = [AnsweredFilter, "kind", "language"]
    list_select_related = ["school"]
    fields = [
        "school",
        "kind",
        "language",
        "from_family",
        "created_at",
        "text",
        "answer",
        "answered_at",
    ]
    readonly_fields = [
        "school",
        "kind",
        "language",
        "from_family",
        "created_at",
        "text",
        "answered_at",
    ]

    @admin.display(description=_("answered"), boolean=True)
    def answered(self, obj):
        return obj.is_answered

    @admin.display(description=_("from"))
    def from_family(self, obj):
        return obj.family or _("(no name given)")

    def save_model(self, request, obj, form, change):
        if "answer" in form.changed_data and obj.answer.strip():
            reached = services.answer_feedback(obj, answer=obj.answer.strip(), by=request.user)
            if reached:
                self.message_user(
                    request, _("Your answer was sent to the family."), messages.SUCCESS
                )
            else:
                self.message_user(
                    request,
                    _(
                        "Saved. The family gave no name or has no phone or email, "
                        "so it cannot get the answer."
                    ),
                    messages.WARNING,
                )
        else:
            super().save_model(request, obj, form, change)
