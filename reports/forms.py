from datetime import date, timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from reports.scope import Period, default_period

LONGEST = 3 * 366  # days: a longer range would mostly measure the data's own gaps


class PeriodForm(forms.Form):
    """The date range of a report, read from the query string (a GET form)."""

    # A wrong date is not a failed form: the report shows the last 90 days and says so
    # beside the filter, so base.html adds no error summary and no "Error:" title.
    in_error_summary = False

    start = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean(self):
        data = super().clean()
        default = default_period()
        end = data.get("end") or default.last
        start = data.get("start") or end - timedelta(days=default.days - 1)
        if end > timezone.localdate():
            raise forms.ValidationError(_("The end date cannot be in the future."))
        if start < date(2000, 1, 1):
            raise forms.ValidationError(_("Choose a start date after 1 January 2000."))
        if start > end:
            raise forms.ValidationError(_("The start date must be before the end date."))
        if (end - start).days + 1 > LONGEST:
            raise forms.ValidationError(_("Choose a range of at most three years."))
        data["period"] = Period(start, end)
        return data


def period_from(request) -> tuple[PeriodForm, Period]:
    form = PeriodForm(request.GET or None)
    if form.is_bound and form.is_valid():
        return form, form.cleaned_data["period"]
    period = default_period()
    if not form.is_bound:
        form = PeriodForm(initial={"start": period.first, "end": period.last})
    return form, period
