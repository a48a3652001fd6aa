from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from portal.languages import picker_choices
from portal.page_cache import public_page
from schools.models import (
    Committee,
    District,
    Guide,
    GuideSection,
    GuideSectionAudio,
    School,
    Seat,
    Status,
)


@public_page
def home(request):
    # PostgreSQL refuses a NUL byte in any text: one in the address would be a 500.
    query = request.GET.get("q", "")[:100].replace("\x00", "")
    district_slug = request.GET.get("district", "").replace("\x00", "")
    districts = list(District.objects.order_by("name"))
    schools = None
    if query or district_slug:
        schools = School.objects.active().select_related("district").search(query)
        if district_slug:
            schools = schools.filter(district__slug=district_slug)
        schools = list(schools[:50])
    elif len(districts) == 1:
        # One district: list its schools at once, a tap saved on a slow connection.
        schools = list(
            School.objects.active().filter(district=districts[0]).select_related("district")[:50]
        )
    return render(
        request,
        "schools/home.html",
        {
            "query": query,
            "district_slug": district_slug,
            "districts": districts,
            "schools": schools,
            "language_choices": picker_choices(),
        },
    )


@public_page
def district_detail(request, slug):
    district = get_object_or_404(District, slug=slug)
    schools = School.objects.active().filter(district=district)
    return render(request, "schools/district.html", {"district": district, "schools": schools})


# The school page (it lists events and committees) is portal.pages.school_detail.


@public_page
def guide_detail(request, school, slug):
    language = translation.get_language()
    guide = get_object_or_404(
        Guide.objects.published()
        .filter(school__is_active=True)
        .select_related("school")
        .prefetch_related(
            Prefetch("sections", queryset=GuideSection.objects.published()),
            Prefetch(
                "sections__audio",
                queryset=GuideSectionAudio.objects.filter(language__in=[language, "en"]),
            ),
        ),
        school__slug=school,
        slug=slug,
    )
    sections = list(guide.sections.all())
    for section in sections:
        section.missing = not section.has_translation(language)
        recordings = {audio.language: audio for audio in section.audio.all()}
        section.recording = recordings.get(language) or recordings.get("en")
    return render(
        request,
        "schools/guide.html",
        {
            "school": guide.school,
            "guide": guide,
            "sections": sections,
            "title_missing": not guide.has_translation(language, "title"),
        },
    )


@require_http_methods(["GET", "POST"])
def committee_detail(request, pk):
    from families.models import Family
    from schools import services
    from schools.forms import SeatApplicationForm

    committee = get_object_or_404(
        Committee.objects.filter(status=Status.PUBLISHED).select_related("school", "district"),
        pk=pk,
    )
    seats = list(Seat.objects.filter(committee=committee).select_related("holder"))
    family = None
    if request.user.is_authenticated:
        family = Family.objects.active().filter(user=request.user).first()
    application = committee.applications.filter(family=family).first() if family else None
    form = SeatApplicationForm(request.POST or None) if family and not application else None
    if request.method == "POST":
        if form is None:
            return redirect(committee.get_absolute_url())
        if form.is_valid():
            try:
                services.apply_for_seat(family=family, committee=committee, **form.cleaned_data)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(
                    request, _("Thank you. The school will read your application and tell you.")
                )
                return redirect(committee.get_absolute_url())
    language = translation.get_language()
    return render(
        request,
        "schools/committee.html",
        {
            "committee": committee,
            "school": committee.school,
            "seats": seats,
            "open_seats": sum(1 for seat in seats if seat.is_open),
            "family": family,
            "application": application,
            "form": form,
            "description_missing": not committee.has_translation(language, "description"),
        },
    )
