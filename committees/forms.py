from django import forms

from committees.models import SeatApplication


class SeatApplicationForm(forms.ModelForm):
    class Meta:
        model = SeatApplication
        fields = ["statement", "wants_partner_help", "show_name"]
        widgets = {"statement": forms.Textarea(attrs={"rows": 5})}
