"""What every report page shares: the list of pages, the query string of a scope and period,
language names, and the answer (the page, or one of its tables as CSV, each look audited)."""

from functools import wraps
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_safe

from portal.languages import LANGUAGES, is_rtl
from reports.access import audit, resolve_scope, scope_choices
from reports.forms import period_from
from reports.replica import build_report, current
from reports.report import collector_paused, forget_reports
from reports.scope import OTHER
from reports.suppression import threshold

PAGES = [
    ("overview", gettext_lazy("Overview")),
    ("languages", gettext_lazy("Languages")),
    ("schools", gettext_lazy("Schools")),
    ("events", gettext_lazy("Events")),
    ("committees", gettext_lazy("Committees")),
    ("conferences", gettext_lazy("Conferences")),
    ("coverage", gettext_lazy("Translations")),
]


def language_name(key: str) -> str:
    if key == OTHER:
        return _("Other or not given")
    return str(dict(LANGUAGES)[key])


def query(scope, period, **extra) -> str:
    """The query string of a scope and period (and extra parameters), for links."""
    key, _sep, value = scope.query_string().partition("=")
    params = {key: value, "start": period.first.isoformat(), "end": period.last.isoformat()}
    params.update(extra)
    return urlencode(params)


def report_page(name):
    """A report page: GET only, for people logged in, called with its scope and period.
    Partner staff read only their co-hosted events: the other pages send them there."""

    def decorate(view):
        @require_safe
        @login_required
        @wraps(view)
        def page(request):
            scope = resolve_scope(request, f"report.{name}")
            form, period = period_from(request)
            if scope.partner and name != "events":
                return redirect(f"{reverse('reports:events')}?{query(scope, period)}")
            # The access check above reads the primary; the figures may come from the replica.
            # The collector stays paused until the page is written: started again when only
            # the figures are built, it walked them all while the page was rendered and the
            # snapshot stored (a sixth of a year's page); once the page is sent they are
            # freed as usual and there is little left to walk.
            with collector_paused():
                try:
                    return build_report(view, request, scope, form, period)
                finally:
                    forget_reports(request)

        return page

    return decorate


def rtl() -> bool:
    return is_rtl(translation.get_language() or "en")


def respond(request, name, scope, form, period, tables, template=None, **context):
    """The page, or with ?csv=<key> that one table as a CSV (404 for an unknown key)."""
    csv_key = request.GET.get("csv")
    object_type = "partner" if scope.partner else "school" if scope.school else "district"
    if csv_key:
        table = next((t for t in tables if t.key == csv_key), None)
        if table is None:
            raise Http404
        audit(request, f"report.{name}.csv", object_type, scope.obj.pk)
        response = HttpResponse(table.to_csv(), content_type="text/csv; charset=utf-8")
        filename = f"{name}-{table.key}-{period.first}-{period.last}.csv"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response
    audit(request, f"report.{name}", object_type, scope.obj.pk)
    here = query(scope, period)
    for table in tables:
        table.csv_url = f"?{here}&csv={table.key}"
    return render(
        request,
        template or f"reports/{name}.html",
        {
            "page": name,
            # Partner staff have one page: their co-hosted events.
            "pages": [p for p in PAGES if p[0] == "events"] if scope.partner else PAGES,
            "scope": scope,
            "scope_choices": scope_choices(request.user),
            "scope_value": scope.query_string(),
            "form": form,
            "period": period,
            "previous": period.previous(),
            "query": here,
            "tables": {t.key: t for t in tables},
            "threshold": threshold(),
            "source": current(),
            **context,
        },
    )
