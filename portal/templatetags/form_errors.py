"""The error summary at the top of a page and "Error:" in its title (the GOV.UK pattern):
base.html asks once for every problem of every form the view put in the context, so a form
gets them without its template doing anything but including portal/_fields.html."""

from django import template
from django.forms import BaseForm

register = template.Library()


def _target(bound_field) -> str:
    """The id a summary link moves the focus to: the field's input, or for radios and
    checkboxes (no single input) the first choice."""
    if bound_field.id_for_label:
        return bound_field.id_for_label
    subwidgets = bound_field.subwidgets
    return (subwidgets[0].id_for_label if subwidgets else "") or bound_field.auto_id or ""


def problems_of(form: BaseForm) -> list[dict]:
    """[{"target": id or "", "message": text}], the form's own problems first, then the
    fields' in the order they appear on the page. Every message, not only the first."""
    problems = [{"target": "", "message": message} for message in form.non_field_errors()]
    for bound_field in form:
        target = "" if bound_field.is_hidden else _target(bound_field)
        problems += [{"target": target, "message": message} for message in bound_field.errors]
    return problems


@register.simple_tag(takes_context=True)
def error_summary(context) -> list[dict]:
    """Every problem of every bound form in the page's context, each form once."""
    seen, problems = set(), []
    for value in context.flatten().values():
        # type(), not isinstance(): isinstance would evaluate lazy values (the CSRF token,
        # the user), and a public page that touched its CSRF token could not be cached.
        if (
            issubclass(type(value), BaseForm)
            and value.is_bound
            and getattr(value, "in_error_summary", True)
            and id(value) not in seen
        ):
            seen.add(id(value))
            if value.errors:
                problems += problems_of(value)
    return problems
