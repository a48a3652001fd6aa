from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from committees import services
from committees.models import Committee, Seat, SeatApplication
from schools.access import SchoolOrDistrictScope, ScopedAdmin, ScopedInline, family_schools_for
from schools.admin import TabbedTranslationAdmin


class SeatInline(ScopedInline, admin.TabularInline):
    """Seats are added and edited by whoever may change the committee (its school's staff,
    the district's staff for a district committee), like every other inline."""

    model = Seat
    extra = 1
    fields = ["label", "term_start", "term_end", "holder", "show_name"]
    # Whether the member's name is shown is the family's own choice, made when it applied:
    # staff see it, never set it (a tick here would publish a name the family kept private).
    readonly_fields = ["holder", "show_name"]

    def get_fields(self, request, obj=None):
        fields = super().get_fields(request, obj)
        # Who holds a seat names a family: staff of the committee's school only.
        if request.user.is_superuser or (
            obj is not None and family_schools_for(request.user).filter(pk=obj.school_id).exists()
        ):
            return fields
        return [f for f in fields if f not in ("holder", "show_name")]


@admin.register(Committee)
class CommitteeAdmin(SchoolOrDistrictScope, ScopedAdmin, TabbedTranslationAdmin):
    school_path = "school"
    list_display = ["name", "school", "kind", "status"]
    list_filter = ["kind", "status"]
    search_fields = ["name"]
    list_select_related = ["school"]
    fields = ["school", "district", "kind", "name", "description", "meets", "status"]
    inlines = [SeatInline]


@admin.register(SeatApplication)
class SeatApplicationAdmin(SchoolOrDistrictScope, ScopedAdmin):
    school_path = "committee__school"
    scope_prefix = "committee__"
    staff_actions = frozenset({"view", "change"})
    district_actions = frozenset()  # names and statements: school staff only (C3, C5)
    list_display = ["family", "committee", "language", "wants_partner_help", "status", "created_at"]
    list_filter = ["status", "wants_partner_help"]
    list_select_related = ["family", "committee"]
    fields = [
        "committee",
        "family",
        "language",
        "statement",
        "wants_partner_help",
        "show_name",
        "status",
        "seat",
    ]
    readonly_fields = fields
    actions = ["choose", "not_chosen"]

    @admin.action(description=_("Choose as member (first open seat)"))
    def choose(self, request, queryset):
        for application in queryset.select_related("committee", "family"):
            seat = application.committee.seats.filter(holder__isnull=True).first()
            try:
                if seat is None:
                    raise ValidationError(_("This committee has no open seat."))
                services.select_member(application, seat)
            except ValidationError as error:
                self.message_user(
                    request, f"{application.family}: {error.messages[0]}", messages.ERROR
                )
            else:
                self.message_user(
                    request,
                    _("Chosen and told: %(family)s.") % {"family": application.family},
                    messages.SUCCESS,
                )

    @admin.action(description=_("Not chosen this time (the family is told)"))
    def not_chosen(self, request, queryset):
        for application in queryset.filter(status=SeatApplication.Status.APPLIED):
            services.decline(application)
        self.message_user(request, _("Done."), messages.SUCCESS)
