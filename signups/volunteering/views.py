"""The volunteering pages: a school's opportunities with their shifts (anyone may read
them), and a shift's sign-up page, where a family signs up its party, changes it or
cancels (no JavaScript: plain forms posted to the page)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from families.models import Family, Membership
from families.views import family_required
from portal.languages import ENDONYMS, in_reader_language
from schools.models import School
from signups.volunteering import services
from signups.volunteering.forms import SignupForm
from signups.volunteering.models import Opportunity, Shift, VolunteerSignup


def _school(slug):
    return get_object_or_404(School.objects.active(), slug=slug)


def _family(request):
    if not request.user.is_authenticated:
        return None
    return Family.objects.active().filter(user=request.user).first()


def opportunities(request, slug):
    """The school's open opportunities, each with its coming shifts and places left; for a
    signed-in family, where it stands on each. Four queries whatever the number of shifts."""
    school = _school(slug)
    shifts = Shift.objects.upcoming().with_places().order_by("starts_at", "pk")
    rows = list(
        in_reader_language(Opportunity.objects.published().filter(school=school))
        .filter(Exists(Shift.objects.upcoming().filter(opportunity=OuterRef("pk"))))
        .prefetch_related(Prefetch("shifts", queryset=shifts))
    )
    family = _family(request)
    mine = {}
    if family is not None:
        mine = {
            s.shift_id: s
            for s in VolunteerSignup.objects.filter(
                family=family, shift__opportunity__school=school
            ).exclude(status=VolunteerSignup.Status.CANCELLED)
        }
    language = translation.get_language()
    for opportunity in rows:
        opportunity.school = school
        # Shown in English where staff have not translated it yet: marked so, and laid
        # out left to right in an Arabic or Urdu page.
        opportunity.title_missing = not opportunity.has_translation(language, "title")
        opportunity.description_missing = bool(
            opportunity.description
        ) and not opportunity.has_translation(language, "description")
        opportunity.wanted_languages = [
            (code, ENDONYMS.get(code, code)) for code in opportunity.languages
        ]
        for shift in opportunity.shifts.all():
            shift.opportunity = opportunity
            shift.mine = mine.get(shift.pk)
    return render(
        request,
        "signups/volunteer/list.html",
        {"school": school, "opportunities": rows, "family": family},
    )


def _member(family, school) -> bool:
    return (
        Membership.objects.filter(family=family, school=school)
        .exclude(status=Membership.Status.DECLINED)
        .exists()
    )


def _shift_or_404(slug, pk):
    shift = get_object_or_404(
        in_reader_language(
            Shift.objects.select_related("opportunity__school").with_places(),
            "opportunity",
            "opportunity__school",
        ),
        pk=pk,
        opportunity__school__slug=slug,
        opportunity__status=Opportunity.Status.PUBLISHED,
    )
    return shift


@require_http_methods(["GET", "POST"])
@family_required
def shift_signup(request, slug, pk):
    """Sign up for one shift, or change the party. A refusal (full when growing, closed,
    busy) comes back on the form, filled in as it was typed."""
    shift = _shift_or_404(slug, pk)
    family = request.family
    current = (
        VolunteerSignup.objects.filter(shift=shift, family=family)
        .exclude(status=VolunteerSignup.Status.CANCELLED)
        .first()
    )
    # Only the school's families take its places (a trip's chaperones are the school's
    # parents): one turned down, or of another school, is asked to join first. A sign-up
    # already made can still be changed or cancelled.
    school = shift.opportunity.school
    join_first = current is None and not _member(family, school)
    status = 403 if join_first and request.method == "POST" else 200
    if request.method == "POST" and shift.is_open and not join_first:
        form = SignupForm(request.POST)
        if form.is_valid():
            try:
                signup = services.sign_up(
                    family=family,
                    shift=shift,
                    people=form.cleaned_data["people"],
                    note=form.cleaned_data["note"],
                )
            except ValidationError as error:
                form.add_error(None, error)
            except services.ShiftBusy:
                form.add_error(None, services.BUSY)
                status = 503
            else:
                messages.success(request, _saved_message(signup))
                return redirect(_list_url(shift) + f"#shift-{shift.pk}")
    else:
        initial = {"people": current.people, "note": current.note} if current else {}
        form = SignupForm(initial=initial)
    return render(
        request,
        "signups/volunteer/shift.html",
        {
            "shift": shift,
            "opportunity": shift.opportunity,
            "school": shift.opportunity.school,
            "form": form if shift.is_open and not join_first else None,
            "join_first": shift.is_open and join_first,
            "current": current,
            "waiting_place": current.place_in_line() if current else None,
            "family": family,
            "title_missing": not shift.opportunity.has_translation(
                translation.get_language(), "title"
            ),
        },
        status=status,
    )


@require_POST
@family_required
def shift_cancel(request, slug, pk):
    shift = _shift_or_404(slug, pk)
    try:
        cancelled = services.cancel(family=request.family, shift=shift)
    except services.ShiftBusy:
        messages.error(request, services.BUSY)
        return redirect(reverse("signups:volunteer_shift", kwargs={"slug": slug, "pk": pk}))
    if cancelled is not None:
        messages.success(request, _("Your sign-up is cancelled. Thank you for telling us."))
    return redirect(_list_url(shift) + f"#shift-{shift.pk}")


def _list_url(shift):
    return reverse("signups:volunteer", kwargs={"slug": shift.opportunity.school.slug})


def _saved_message(signup) -> str:
    if signup.status == VolunteerSignup.Status.GOING:
        return _("Thank you. You are on the list of helpers for this shift.")
    return _("This shift is full. You are on the waiting list; we will tell you if a place opens.")


def short_link(request, pk):
    shift = get_object_or_404(Shift.objects.select_related("opportunity__school"), pk=pk)
    return redirect("signups:volunteer_shift", slug=shift.opportunity.school.slug, pk=shift.pk)
