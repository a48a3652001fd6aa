"""Who may read which report: district staff their district (and its schools), school staff
their own school, superusers everything; community partner staff the events their
organisation co-hosts (reports.scope.PartnerScope). Every look, allowed or not, is an
AuditEvent with ids only (RELIABILITY F5)."""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from accounts.models import AuditEvent
from reports.scope import PartnerScope, Scope
from schools.access import districts_for, partners_for, role_kinds, schools_for


def audit(request, action: str, object_type: str, object_id, allowed: bool = True):
    AuditEvent.record(request.user, action, object_id, allowed, object_type=object_type)


def can_read_reports(user) -> bool:
    """Whether resolve_scope lets this person in at all: superusers, district staff and
    school staff; not front desk or community partner staff (who read only the events page,
    of their co-hosted events)."""
    if not user.is_authenticated or not user.is_active:
        return False
    return user.is_superuser or bool(role_kinds(user) & {"district_staff", "school_staff"})


KEYS = ("school", "district", "partner", "where")


def resolve_scope(request, action: str) -> Scope | PartnerScope:
    """The scope asked for in ?district=, ?school= or ?partner=, else the person's own (a
    district, else a school, else a partner organisation); 404 for one that is not theirs
    (as if it did not exist), 403 for people with no report at all."""
    user = request.user
    # PostgreSQL refuses a NUL byte in any text (the lookup, the audit row): a 500.
    query = {key: request.GET.get(key, "").replace("\x00", "") for key in KEYS}
    school_slug = query["school"][:80]
    district_slug = query["district"][:80]
    partner_id = query["partner"][:20]
    # The scope menu sends where=district=<slug>, where=school=<slug> or where=partner=<id>.
    kind, _sep, slug = query["where"].partition("=")
    if kind == "school":
        school_slug, district_slug, partner_id = slug[:80], "", ""
    elif kind == "district":
        school_slug, district_slug, partner_id = "", slug[:80], ""
    elif kind == "partner":
        school_slug, district_slug, partner_id = "", "", slug[:20]
    if partner_id:
        partner = partners_for(user).filter(pk=partner_id).first() if partner_id.isdigit() else None
        if partner is None:
            audit(request, action, "partner", partner_id, allowed=False)
            raise Http404
        return PartnerScope(partner)
    if school_slug:
        school = schools_for(user).filter(slug=school_slug).select_related("district").first()
        if school is None:
            audit(request, action, "school", school_slug, allowed=False)
            raise Http404
        return Scope(school.district, school)
    if district_slug:
        district = districts_for(user).filter(slug=district_slug).first()
        if district is None:
            audit(request, action, "district", district_slug, allowed=False)
            raise Http404
        return Scope(district)
    district = districts_for(user).order_by("name", "pk").first()
    if district is not None:
        return Scope(district)
    school = schools_for(user).select_related("district").order_by("name", "pk").first()
    if school is not None:
        return Scope(school.district, school)
    partner = partners_for(user).order_by("name", "pk").first()
    if partner is not None:
        return PartnerScope(partner)
    audit(request, action, "report", "-", allowed=False)
    raise PermissionDenied


def scope_choices(user) -> list[tuple[str, str]]:
    """(query string, name) of every scope this person may pick, for the scope menu."""
    # Names only, in the reader's language: a district's hundreds of schools as whole rows
    # (every translated column) cost more than the figures of a report read from its snapshot.
    districts = districts_for(user).order_by("name").values_list("slug", "name")[:50]
    schools = schools_for(user).order_by("name").values_list("slug", "name")[:300]
    choices = [(f"district={slug}", name) for slug, name in districts]
    choices += [(f"school={slug}", name) for slug, name in schools]
    if "partner_staff" in role_kinds(user):  # known already (the second-factor check)
        partners = partners_for(user).order_by("name").values_list("pk", "name")[:50]
        choices += [(f"partner={pk}", name) for pk, name in partners]
    return choices
