from datetime import timedelta

from allauth.account.adapter import get_adapter
from allauth.account.forms import SignupForm as AllauthSignupForm
from django import forms
from django.db import IntegrityError, transaction
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from families import claims
from families.models import Channel, Family, Feedback
from messaging.phones import PhoneField, can_text
from portal.languages import language_choices
from schools.models import School

ZERO = timedelta(0)

CONTACT_NEEDED = {
    Channel.SMS: "phone",
    Channel.VOICE: "phone",
    Channel.EMAIL: "email",
}


# Each message names its field in plain words (the GOV.UK way): "This field is required"
# tells a parent nothing once it is read in the error summary at the top of the page.
NAME_MESSAGES = {
    "required": _("Type a name for your family, for example “Maria, mother of Ana”."),
    "max_length": _("The name can have at most %(limit_value)d letters."),
}
LANGUAGE_MESSAGES = {
    "required": _("Choose the language for the website and messages."),
    "invalid_choice": _("Choose the language for the website and messages."),
}
CHANNEL_MESSAGES = {
    "required": _("Choose how the school should reach you."),
    "invalid_choice": _("Choose how the school should reach you."),
}
INTERPRETER_MESSAGES = {"invalid_choice": _("Choose the interpreter's language from the list.")}
EMAIL_MESSAGES = {"invalid": _("Type the email address in full, for example name@example.com.")}
SCHOOL_MESSAGES = {
    "required": _("Choose the school."),
    "invalid_choice": _("Choose the school from the list."),
}


class FamilyFieldsMixin:
    """The few things the portal asks a family, shared by every form that registers one."""

    def add_family_fields(self):
        self.fields["display_name"] = forms.CharField(
            label=Family._meta.get_field("display_name").verbose_name,
            help_text=Family._meta.get_field("display_name").help_text,
            max_length=100,
            error_messages=NAME_MESSAGES,
        )
        self.fields["language"] = forms.ChoiceField(
            label=_("Language for the website and messages"),
            choices=language_choices(),
            initial=translation.get_language(),
            error_messages=LANGUAGE_MESSAGES,
        )
        self.fields["channel"] = forms.ChoiceField(
            label=_("How should the school reach you?"),
            choices=Channel.choices,
            widget=forms.RadioSelect,
            initial=Channel.SMS,
            error_messages=CHANNEL_MESSAGES,
        )
        self.fields["wants_interpreter"] = forms.BooleanField(
            label=_("I would like an interpreter at meetings"), required=False
        )
        self.fields["interpreter_language"] = forms.ChoiceField(
            label=_("Interpreter for which language?"),
            choices=language_choices(blank=_("The same as above")),
            required=False,
            error_messages=INTERPRETER_MESSAGES,
        )

    def clean_contact(self, cleaned):
        needed = CONTACT_NEEDED.get(cleaned.get("channel"))
        if needed == "phone" and not cleaned.get("phone") and "phone" not in self.errors:
            self.add_error("phone", _("To get text messages or calls, type your mobile number."))
        if needed == "email" and not cleaned.get("email") and "email" not in self.errors:
            self.add_error("email", _("To get emails, type your email address."))
        return cleaned

    def family_values(self):
        data = self.cleaned_data
        return {
            "display_name": data["display_name"].strip(),
            "language": data["language"],
            "channel": data["channel"],
            "wants_interpreter": data.get("wants_interpreter", False),
            "interpreter_language": data.get("interpreter_language") or "",
        }


class SignupForm(FamilyFieldsMixin, AllauthSignupForm):
    """Registration: a name to show, a language, and a phone or an email. Nothing else."""

    field_order = [
        "display_name",
        "language",
        "phone",
        "email",
        "channel",
        "wants_interpreter",
        "interpreter_language",
        "password1",
    ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.add_family_fields()
        self.fields["phone"].help_text = _(
            "We send a code to this number. Not required if you give an email."
        )
        self.fields["email"].required = False
        self.fields["email"].label = _("Email (if you have one)")
        self.fields["email"].error_messages.update(EMAIL_MESSAGES)
        # Families log in with a code; a password is for those who want one.
        self.fields["password1"].label = _("Password (optional)")
        self.fields["password1"].help_text = ""
        self.fields["password1"].widget.attrs.pop("placeholder", None)
        self.order_fields(self.field_order)

    def validate_unique_email(self, value):
        # allauth would answer "already registered" here (it hides a taken address only when
        # every login must confirm its email first); clean() decides, for phone and email.
        return get_adapter().validate_unique_email(value)

    def clean(self):
        cleaned = super().clean()
        if (
            not cleaned.get("phone")
            and not cleaned.get("email")
            and not self.errors.get("phone")
            and not self.errors.get("email")
        ):
            # On the phone box, so the error summary's link leads there.
            self.add_error(
                "phone",
                forms.ValidationError(
                    _("Type a mobile number or an email address, so we can send you a code."),
                    code="no_contact",
                ),
            )
        cleaned = self.clean_contact(cleaned)
        if not self.errors and claims.in_use(
            phone=cleaned.get("phone") or "", email=cleaned.get("email") or ""
        ):
            # Taken (or claimed within the hour): the visitor gets the same code page as
            # for a new number and allauth tells the real owner instead (B4).
            self.account_already_exists = True
        return cleaned

    def try_save(self, request):
        if not self.account_already_exists:
            try:
                with transaction.atomic():
                    return super().try_save(request)
            except IntegrityError:
                # Another sign-up took the number or address a moment ago.
                self.account_already_exists = True
        return super().try_save(request)

    def save(self, request):
        from families.services import register_family

        data = self.cleaned_data
        claims.release(phone=data.get("phone") or "", email=data.get("email") or "")
        user = super().save(request)
        user.name = self.cleaned_data["display_name"].strip()
        user.save(update_fields=["name"])
        register_family(user=user, **self.family_values())
        return user


class ProfileForm(forms.ModelForm):
    # The model's lists, with each language in its own words and the most used first.
    language = forms.ChoiceField(
        label=_("Language for the website and messages"),
        choices=language_choices(),
        error_messages=LANGUAGE_MESSAGES,
    )
    interpreter_language = forms.ChoiceField(
        label=_("Interpreter for which language?"),
        choices=language_choices(blank="—"),
        required=False,
        error_messages=INTERPRETER_MESSAGES,
    )

    class Meta:
        model = Family
        fields = [
            "display_name",
            "language",
            "channel",
            "wants_interpreter",
            "interpreter_language",
        ]
        widgets = {"channel": forms.RadioSelect}
        # The two language fields are declared above, so their messages are given there.
        error_messages = {"display_name": NAME_MESSAGES, "channel": CHANNEL_MESSAGES}
        labels = {"channel": _("How should the school reach you?")}

    def clean(self):
        cleaned = super().clean()
        needed = CONTACT_NEEDED.get(cleaned.get("channel"))
        family = self.instance
        if needed == "phone" and not family.phone:
            self.add_error(
                "channel", _("Add a mobile number first, then choose text messages or calls.")
            )
        elif needed == "phone" and not can_text(family.phone):
            # A number saved before the portal texted only allowed countries' mobiles.
            self.add_error(
                "channel",
                _(
                    "We cannot send text messages or calls to your number. Change your number "
                    "first, or choose another way."
                ),
            )
        if needed == "email" and not family.email:
            self.add_error("channel", _("Add an email address first, then choose email."))
        return cleaned


class JoinForm(forms.Form):
    school = forms.ModelChoiceField(
        label=_("School"),
        queryset=School.objects.active().select_related("district"),
        required=False,
        empty_label=_("Choose the school"),
        error_messages=SCHOOL_MESSAGES,
    )
    join_code = forms.CharField(
        label=_("Join code (if the school gave you one on paper)"),
        max_length=20,
        required=False,
        error_messages={
            "max_length": _(
                "A join code has at most %(limit_value)d letters and numbers. Check it on the "
                "paper."
            )
        },
        widget=forms.TextInput(attrs={"autocomplete": "off", "dir": "ltr"}),
    )

    def clean(self):
        cleaned = super().clean()
        code = (cleaned.get("join_code") or "").strip().upper().replace(" ", "")
        if code:
            if "-" not in code and len(code) == 8:
                code = f"{code[:4]}-{code[4:]}"
            school = School.objects.active().filter(join_code=code).first()
            if school is None:
                self.add_error(
                    "join_code",
                    _("This join code is not right. Check it on the paper, or choose the school."),
                )
            cleaned["code_school"] = school
        elif not cleaned.get("school") and "school" not in self.errors:
            self.add_error("school", _("Choose your child's school, or type the join code."))
        return cleaned


class FeedbackForm(forms.ModelForm):
    anonymous = forms.BooleanField(
        label=_("Send without my name (the school cannot answer you)"), required=False
    )

    class Meta:
        model = Feedback
        fields = ["kind", "text"]
        widgets = {"kind": forms.RadioSelect, "text": forms.Textarea(attrs={"rows": 6})}
        labels = {
            "kind": _("What would you like to send?"),
            "text": _("Your message, in any language"),
        }
        error_messages = {
            "kind": {
                "required": _("Choose what you would like to send."),
                "invalid_choice": _("Choose what you would like to send."),
            },
            "text": {
                "required": _("Type your message."),
                "max_length": _(
                    "Your message is too long: it can have at most %(limit_value)d letters. "
                    "Send the rest in a second message."
                ),
            },
        }


class PassCodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code printed under the QR code"),
        max_length=20,
        error_messages={
            "required": _("Type the code printed under the QR code."),
            "max_length": _("The code under the QR code is shorter. Check it and type it again."),
        },
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters", "dir": "ltr"}
        ),
    )


class AssistedRegistrationForm(FamilyFieldsMixin, forms.Form):
    """A school or partner staff member registers a family, with the family's consent."""

    def __init__(self, *args, schools=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.add_family_fields()
        self.fields["phone"] = PhoneField(
            required=False, label=_("Mobile phone (if they have one)")
        )
        self.fields["email"] = forms.EmailField(
            required=False, label=_("Email (if they have one)"), error_messages=EMAIL_MESSAGES
        )
        self.fields["school"] = forms.ModelChoiceField(
            label=_("School"),
            queryset=schools if schools is not None else School.objects.none(),
            empty_label=_("Choose the school"),
            error_messages=SCHOOL_MESSAGES,
        )
        self.fields["consent"] = forms.BooleanField(
            label=_(
                "The family agreed to be registered and heard the privacy notice in their language."
            ),
            error_messages={
                "required": _(
                    "Read the privacy notice to the family in their language. Tick the box "
                    "only when they agree to be registered."
                )
            },
        )
        self.order_fields(
            [
                "display_name",
                "language",
                "phone",
                "email",
                "channel",
                "wants_interpreter",
                "interpreter_language",
                "school",
                "consent",
            ]
        )
        if self.is_bound and self.data.get("share_phone_asked"):
            self.offer_sharing()

    # Says neither which of the two is taken nor by whom.
    CONTACT_IN_USE = _(
        "This number or email can't be used for a new family. If the family already has an "
        "account, ask them to log in."
    )
    # Asked on the form, by the box to tick, when the number already reaches a family: it
    # names no family (the other one may be another school's, which this staff member may
    # not see). RELIABILITY E14.
    SHARE_QUESTION = _(
        "This number already gets messages for another family. Both families will get their "
        "messages on this phone. Use it for this family too?"
    )

    def clean_email(self):
        return (self.cleaned_data.get("email") or "").lower()

    def offer_sharing(self):
        """The box that says yes to sharing the number, shown once the number is found in
        use (a hidden mark remembers that it was shown: an unticked box sends nothing)."""
        self.fields["share_phone"] = forms.BooleanField(
            label=_("Yes, this family uses this phone too"), required=False
        )
        self.fields["share_phone_asked"] = forms.CharField(widget=forms.HiddenInput, required=False)
        if self.is_bound:
            # A bound form shows what was posted, not the initial value: the page sent
            # back must carry the mark itself.
            self.data = self.data.copy()
            self.data["share_phone_asked"] = "1"
        order = list(self.fields)
        order.remove("share_phone")
        order.insert(order.index("phone") + 1, "share_phone")
        self.order_fields(order)

    def clean(self):
        cleaned = self.clean_contact(super().clean())
        phone, email = cleaned.get("phone") or "", cleaned.get("email") or ""
        confirmed = bool(cleaned.get("share_phone"))
        cleaned["share_phone"] = False
        # The family is here with the helper and gave this number: an unfinished sign-up
        # holding it (perhaps their own, a minute ago) gives way at once (claims.release).
        # Asked with the form's other problems, so the staff member sees them all at once.
        if phone and (
            claims.in_use(phone=phone, held_for=ZERO)
            or Family.objects.active().filter(shared_phone=phone).exists()
        ):
            # Another family gets its messages on this phone: both may, once the staff
            # member confirms it with the family here (RELIABILITY E14).
            if confirmed:
                cleaned["share_phone"] = True
            else:
                if "share_phone" not in self.fields:
                    self.offer_sharing()
                self.add_error("share_phone", self.SHARE_QUESTION)
        if not self.errors and email and claims.in_use(email=email, held_for=ZERO):
            raise forms.ValidationError(self.CONTACT_IN_USE, code="contact_in_use")
        return cleaned
