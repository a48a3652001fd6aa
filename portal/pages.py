"""Public pages that show several apps at once: they live here, at the top, so that no app
has to import one above it (docs/architecture.md)."""

from django.shortcuts import get_object_or_404, render

from committees.models import Committee
from portal.page_cache import public_page
from schools.models import District, School, Status


@public_page
def district_detail(request, slug):
    district = get_object_or_404(District, slug=slug)
    schools = School.objects.active().filter(district=district)
    # The district's own committees; a school's committees are listed on the school's page.
    committees = Committee.objects.filter(
        status=Status.PUBLISHED, district=district, school__isnull=True
    )
    return render(
        request,
        "schools/district.html",
        {"district": district, "schools": schools, "committees": committees},
    )
