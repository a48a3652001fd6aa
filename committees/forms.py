from django import forms
from django.utils.translation import gettext_lazy as _

from committees.models import SeatApplication


class SeatApplicationForm(forms.ModelForm):
    class Meta:
        model = SeatApplication
        fields = ["statement", "wants_partner_help", "show_name"]
        widgets = {"statement": forms.Textarea(attrs={"rows": 5})}
        # The message names the field: it is also read in the error summary at the top.
        error_messages = {
            "statement": {
                "required": _("Write in a few words why you would like to join."),
                "max_length": _(
                    "This is too long: write at most %(limit_value)d letters. A few sentences "
                    "are enough."
                ),
            }
        }
