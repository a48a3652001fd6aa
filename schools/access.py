"""Who may see what: staff see their own school; district staff their district's schools.

Every admin for a model that belongs to a school derives from ScopedAdmin, which filters
lists, change/delete pages, autocomplete and foreign-key choices. A test walks the admin
registry and fails when a school-owned model is registered without it.
"""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.db.models import Q, QuerySet
from django.http import Http404

from schools.models import District, Partner, School
from schools.staff import StaffRole


def _visible(user, model, condition: Q, superuser_sees_all: bool = True) -> QuerySet:
    """Rows of model this person may see: none when logged out or deactivated,
    everything for superusers, else the rows matching condition."""
    if not user.is_authenticated or not user.is_active:
        return model.objects.none()
    if user.is_superuser and superuser_sees_all:
        return model.objects.all()
    return model.objects.filter(condition).distinct()


def schools_for(user) -> QuerySet:
    """Schools whose content this person may manage in the admin."""
    return _visible(
        user,
        School,
        Q(staff_roles__user=user, staff_roles__kind="school_staff")
        | Q(district__staff_roles__user=user, district__staff_roles__kind="district_staff"),
    )


def family_schools_for(user) -> QuerySet:
    """Schools whose families this person may see by name, with what they wrote: their own
    school as school staff. A district role adds none: district staff see numbers, never
    names (RELIABILITY C3, C5), even when the same person also works for one school."""
    return _visible(user, School, Q(staff_roles__user=user, staff_roles__kind="school_staff"))


def districts_for(user) -> QuerySet:
    return _visible(user, District, Q(staff_roles__user=user, staff_roles__kind="district_staff"))


# The table's name is the model's own, never input; the user's id is a parameter.
_ROLE_KINDS_SQL = f'SELECT kind FROM "{StaffRole._meta.db_table}" WHERE user_id = %s'  # noqa: S608


def role_kinds(user) -> set[str]:
    """The kinds of role this person holds (StaffRole.Kind values), read once per request."""
    if not user.is_authenticated:
        return set()
    cache = getattr(user, "_role_kinds", None)
    if cache is None:
        # Asked on every signed-in request (the second factor, the header's staff link), and
        # read afresh each time so a role granted counts at once. One plain statement: the
        # ORM's building of it cost 0.3 ms of CPU, four times the statement's own.
        with connection.cursor() as cursor:
            cursor.execute(_ROLE_KINDS_SQL, [user.pk])
            cache = {kind for (kind,) in cursor.fetchall()}
        user._role_kinds = cache
    return cache


def remember_role_kinds(user, kinds: set[str]) -> None:
    """The kinds read for this request elsewhere, in the same statement as the request's
    session (portal.signed_in): as fresh as role_kinds' own read, without its query."""
    user._role_kinds = set(kinds)


class ScopedAdmin(admin.ModelAdmin):
    """A ModelAdmin whose rows are limited to the schools the staff member works for.

    school_path: the lookup from this model to its School ("" for School itself).
    district_path: for models that hang off a District rather than a School.
    staff_actions / district_actions: what school and district staff may do here. Rows that
    name a family have no district_actions: then a district role neither opens the model nor
    widens the rows a school role shows.
    """

    school_path: str | None = None
    district_path: str | None = None
    staff_actions = frozenset({"view", "add", "change", "delete"})
    district_actions = frozenset({"view", "add", "change", "delete"})

    def scope(self, request, queryset):
        user = request.user
        if user.is_superuser:
            return queryset
        if self.school_path is not None:
            key = f"{self.school_path}__in" if self.school_path else "pk__in"
            schools = schools_for(user) if self.district_actions else family_schools_for(user)
            return queryset.filter(**{key: schools.values("pk")})
        if self.district_path is not None:
            key = f"{self.district_path}__in" if self.district_path else "pk__in"
            return queryset.filter(**{key: districts_for(user).values("pk")})
        return queryset.none()

    def get_queryset(self, request):
        return self.scope(request, super().get_queryset(request))

    def _get_obj_does_not_exist_redirect(self, request, opts, object_id):
        # Another school's object looks exactly like one that does not exist: a 404, not the
        # admin's usual redirect with a message that would confirm nothing.
        raise Http404

    def history_view(self, request, object_id, extra_context=None):
        # A role with no access to this model at all is refused (403) before any lookup,
        # as on the change page; Django's own order would answer 404 here.
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        return super().history_view(request, object_id, extra_context)

    def _allowed(self, request, action):
        user = request.user
        if not (user.is_active and user.is_staff):
            return False
        if user.is_superuser:
            return True
        kinds = role_kinds(user)
        return ("school_staff" in kinds and action in self.staff_actions) or (
            "district_staff" in kinds and action in self.district_actions
        )

    def _allowed_object(self, request, obj, action):
        if not self._allowed(request, action):
            return False
        return obj is None or self.get_queryset(request).filter(pk=obj.pk).exists()

    def has_module_permission(self, request):
        return self._allowed(request, "view")

    def has_view_permission(self, request, obj=None):
        return self._allowed_object(request, obj, "view") or self._allowed_object(
            request, obj, "change"
        )

    def has_add_permission(self, request):
        return self._allowed(request, "add")

    def has_change_permission(self, request, obj=None):
        return self._allowed_object(request, obj, "change")

    def has_delete_permission(self, request, obj=None):
        return self._allowed_object(request, obj, "delete")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        # Choices come from the related model's own scoped admin: no other school's rows.
        related_admin = self.admin_site._registry.get(db_field.related_model)
        if isinstance(related_admin, ScopedAdmin):
            kwargs["queryset"] = related_admin.get_queryset(request)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        related_admin = self.admin_site._registry.get(db_field.related_model)
        if isinstance(related_admin, ScopedAdmin):
            kwargs["queryset"] = related_admin.get_queryset(request)
        return super().formfield_for_manytomany(db_field, request, **kwargs)


class ScopedInline:
    """Mixin for inlines: permissions follow the parent admin's scope."""

    def has_add_permission(self, request, obj=None):
        return obj is None or self._parent_admin(request).has_change_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return obj is None or self._parent_admin(request).has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return obj is None or self._parent_admin(request).has_change_permission(request, obj)

    def has_view_permission(self, request, obj=None):
        return obj is None or self._parent_admin(request).has_view_permission(request, obj)

    def _parent_admin(self, request):
        return self.admin_site._registry[self.parent_model]


def front_desk_schools(user) -> QuerySet:
    """Schools where this person may check family passes at the door."""
    return _visible(
        user,
        School,
        Q(staff_roles__user=user, staff_roles__kind__in=["front_desk", "school_staff"]),
    )


def partners_for(user) -> QuerySet:
    return _visible(
        user,
        Partner,
        Q(staff_roles__user=user, staff_roles__kind="partner_staff"),
        superuser_sees_all=False,
    )


def assist_schools(user) -> QuerySet:
    """Schools for which this person may register a family: their own school as school
    staff, or the schools their community partner works with."""
    return _visible(
        user,
        School,
        Q(staff_roles__user=user, staff_roles__kind="school_staff")
        | Q(partners__staff_roles__user=user, partners__staff_roles__kind="partner_staff"),
    )


class SchoolOrDistrictScope:
    """Rows of the staff member's schools, and for district staff the whole district."""

    scope_prefix = ""

    def scope(self, request, queryset):
        user = request.user
        if user.is_superuser:
            return queryset
        p = self.scope_prefix
        if not self.district_actions:
            # Rows naming families: their own school's only (a district's have no names).
            return queryset.filter(**{f"{p}school__in": family_schools_for(user).values("pk")})
        return queryset.filter(
            Q(**{f"{p}school__in": schools_for(user).values("pk")})
            | Q(**{f"{p}district__in": districts_for(user).values("pk")})
        )
