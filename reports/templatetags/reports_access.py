from django import template

from reports.access import can_read_reports

register = template.Library()

# The admin index shows its link to the reports only to people the reports let in.
register.filter("can_read_reports", can_read_reports)
