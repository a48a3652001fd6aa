from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, render
from django.utils import translation
from django.utils.functional import SimpleLazyObject

from portal.languages import in_reader_language, picker_choices
from portal.page_cache import public_page
from schools.models import District, Guide, GuideSection, GuideSectionAudio, School


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
# The school page (it lists events and committees) is portal.pages.school_detail.


@public_page
def guide_detail(request, school, slug):
    language = translation.get_language()
    # The page shows one language (English where a text is missing): only those columns.
    guide = get_object_or_404(
        in_reader_language(
            Guide.objects.published().filter(school__is_active=True).select_related("school"),
            "school",
        ),
        school__slug=school,
        slug=slug,
    )
    return render(
        request,
        "schools/guide.html",
        {
            "school": guide.school,
            "guide": guide,
            # Read only when the guide's part of the page is not in the cache
            # (portal.page_cache.public_part).
            "sections": SimpleLazyObject(lambda: _sections(guide, language)),
            "title_missing": not guide.has_translation(language, "title"),
        },
    )


def _sections(guide, language) -> list[GuideSection]:
    sections = list(
        in_reader_language(guide.sections.published()).prefetch_related(
            Prefetch(
                "audio",
                queryset=GuideSectionAudio.objects.filter(language__in=[language, "en"]),
            )
        )
    )
    for section in sections:
        section.missing = not section.has_translation(language)
        recordings = {audio.language: audio for audio in section.audio.all()}
        section.recording = recordings.get(language) or recordings.get("en")
    return sections
