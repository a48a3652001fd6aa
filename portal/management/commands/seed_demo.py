"""Demo data: a district, three schools, a full guide per school in all 15 languages, staff
logins for each role, and a year of history (portal.demo.history) so the reports show real
figures. Safe to run again: it updates what it created and builds the history only once.

It lives in portal, the layer on top, because it fills every app."""

import json
import os
import shutil
import subprocess
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.files.base import ContentFile
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone
from modeltranslation.utils import build_localized_fieldname

from accounts.models import User
from committees.models import Committee, Seat
from conversations.models import CallbackRequest, Thread, ThreadMessage
from events.models import Event
from families.models import Family, Membership
from families.services import register_family
from portal.demo import history
from portal.languages import LANGUAGE_CODES
from schools.audio import to_opus
from schools.models import District, Guide, GuideSection, GuideSectionAudio, Partner, School, Status
from schools.staff import StaffRole
from signups.volunteering.models import Opportunity, Shift

DEMO_DIR = Path(__file__).resolve().parent.parent.parent / "demo"
DEMO_PARENT_PHONE = "+12125550100"
DEMO_PASSWORD = "demo-portal-2026"  # noqa: S105 (demo logins, printed for the person running it)
SCHOOLS = {
    "lincoln-elementary": {"start": "8:00", "end": "2:45", "phone": "+1 555 0100 101"},
    "rosa-parks-middle": {"start": "7:45", "end": "2:15", "phone": "+1 555 0100 202"},
    "harbor-view-high": {"start": "8:15", "end": "3:00", "phone": "+1 555 0100 303"},
}
# A section written only in English and Spanish so far: the demo shows how every other
# language falls back to English with a note and the school's phone for an interpreter.
GRADUATION = {
    "title": {"en": "Graduation", "es": "La graduación"},
    "body": {
        "en": "To graduate, your child needs 44 credits and must pass five state exams. "
        "The school counselor checks your child's credits every year. "
        "Ask for a meeting with the counselor in grade 9. An interpreter can join.",
        "es": "Para graduarse, su hijo necesita 44 créditos y debe aprobar cinco exámenes "
        "del estado. El consejero de la escuela revisa los créditos de su hijo cada año. "
        "Pida una reunión con el consejero en el grado 9. Puede venir un intérprete.",
    },
}
# espeak-ng voices for the recordings, where the machine has espeak-ng (`make run` installs
# it). espeak-ng has no Filipino voice: Filipino readers get the English recording, marked so.
VOICES = {
    "en": "en-us",
    "sq": "sq",
    "ar": "ar",
    "bn": "bn",
    "zh-hans": "cmn",
    "zh-hant": "cmn",
    "fr": "fr-fr",
    "ht": "ht",
    "ko": "ko",
    "ru": "ru",
    "es": "es-419",
    "uk": "uk",
    "ur": "ur",
    "uz": "uz",
}


DEMO_STAFF = [
    "admin@example.org",
    "staff.lincoln@example.org",
    "staff.rosaparks@example.org",
    "district@example.org",
    "desk.lincoln@example.org",
    "cbo@example.org",
]


def authenticator_key(user) -> str:
    """The demo account's authenticator app key (RELIABILITY B10), made on the first run,
    with its recovery codes, as if the staff member had set up the app."""
    from allauth.mfa.models import Authenticator
    from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
    from allauth.mfa.utils import decrypt

    app = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
    if app is None:
        app = TOTP.activate(user, generate_totp_secret()).instance
    if not Authenticator.objects.filter(user=user, type=Authenticator.Type.RECOVERY_CODES).exists():
        RecoveryCodes.activate(user)
    return decrypt(app.data["secret"])


def localized(field: str, values: dict[str, str]) -> dict[str, str]:
    return {build_localized_fieldname(field, code): text for code, text in values.items()}


class Command(BaseCommand):
    help = "Create or refresh the demo district, schools, guides and staff logins."

    def add_arguments(self, parser):
        parser.add_argument("--no-audio", action="store_true", help="Skip the recordings.")

    def handle(self, *args, no_audio=False, **options):
        # It makes a superuser with a published password and prints every staff account's
        # second-factor key: never on a real portal.
        if not settings.DEBUG:
            raise CommandError("seed_demo is for the demo (DEBUG=1) only.")
        started = time.monotonic()
        content = {code: self.load(code) for code in LANGUAGE_CODES}
        content = {code: data for code, data in content.items() if data}
        with transaction.atomic():
            district = self.seed_district(content)
            schools = [self.seed_school(district, slug, content) for slug in SCHOOLS]
            keys = self.seed_staff(district, schools)
            texts = self.seed_events(district, schools)
            self.seed_conferences(schools[0], texts)
            self.seed_conversations(schools)
            self.seed_volunteering(schools[0])
            made = {}
            if not history.exists(district):
                made = history.build(
                    district,
                    schools,
                    desk=User.objects.get(email="desk.lincoln@example.org"),
                    helper=User.objects.get(email="cbo@example.org"),
                    partner=Partner.objects.get(name="Casa Comunidad"),
                    texts=texts,
                )
            # After the families: the announcement goes to those of the school.
            self.seed_announcement(schools[0])
        recordings = 0 if no_audio else self.seed_audio(schools)
        languages = ", ".join(sorted(content))
        self.stdout.write(
            self.style.SUCCESS(f"Demo data ready in {len(content)} languages: {languages}")
        )
        if made:
            self.stdout.write(
                "A year of history for the reports: "
                + ", ".join(f"{n} {what}" for what, n in made.items())
            )
        self.stdout.write(f"Seeded in {time.monotonic() - started:.1f} s")
        if recordings:
            self.stdout.write(f"Recordings made with espeak-ng: {recordings}")
        join_code = School.objects.get(slug="lincoln-elementary").join_code
        self.stdout.write(
            f"\nDemo logins (password for all: {DEMO_PASSWORD})\n"
            "  administrator:             admin@example.org\n"
            "  Lincoln Elementary staff:  staff.lincoln@example.org\n"
            "  Rosa Parks Middle staff:   staff.rosaparks@example.org\n"
            "  district staff:            district@example.org\n"
            "  Lincoln front desk:        desk.lincoln@example.org  (checks family passes)\n"
            "  community partner staff:   cbo@example.org  (registers families)\n"
            "  parent (Spanish):          phone 212 555 0100, log in with a code;\n"
            "                             the code is printed in this terminal (console SMS)\n"
            f"  Lincoln join code:         {join_code}\n"
            "Family pages: http://127.0.0.1:8000/   Staff pages: http://127.0.0.1:8000/admin/\n"
        )
        self.stdout.write(
            "\nStaff log in in two steps: the password, then a code from an authenticator app.\n"
            "Add a key below to an app (Google Authenticator, FreeOTP…), or print the codes\n"
            "of the moment with: DEBUG=1 .venv/bin/python manage.py demo_codes\n"
            + "".join(f"  {email:28} {key}\n" for email, key in keys.items())
        )

    def load(self, code):
        path = DEMO_DIR / f"{code}.json"
        if not path.exists():
            return None
        return json.loads(path.read_text(encoding="utf-8"))

    def seed_district(self, content):
        names = {code: data["district"] for code, data in content.items()}
        district, _ = District.objects.update_or_create(
            slug="riverside", defaults={"name": names["en"], **localized("name", names)}
        )
        return district

    def seed_school(self, district, slug, content):
        times = SCHOOLS[slug]
        names = {code: data["schools"][slug]["name"] for code, data in content.items()}
        welcomes = {code: data["schools"][slug]["welcome"] for code, data in content.items()}
        safe_zones = {code: data["safe_zone"] for code, data in content.items()}
        school, _ = School.objects.update_or_create(
            slug=slug,
            defaults={
                "district": district,
                "name": names["en"],
                **localized("name", names),
                **localized("welcome", welcomes),
                **localized("safe_zone", safe_zones),
                "address": f"{100 + len(slug)} River Road, Riverside",
                "phone": times["phone"],
                "languages": list(LANGUAGE_CODES),
            },
        )
        guides = {code: data["guide"] for code, data in content.items()}
        guide, _ = Guide.objects.update_or_create(
            school=school,
            slug="how-our-school-works",
            defaults={
                "title": guides["en"]["title"],
                **localized("title", {c: g["title"] for c, g in guides.items()}),
                **localized("summary", {c: g["summary"] for c, g in guides.items()}),
                "status": Status.PUBLISHED,
                "order": 0,
            },
        )
        for index, english in enumerate(guides["en"]["sections"]):
            titles = {c: g["sections"][index]["title"] for c, g in guides.items()}
            bodies = {
                c: g["sections"][index]["body"].format(start=times["start"], end=times["end"])
                for c, g in guides.items()
            }
            GuideSection.objects.update_or_create(
                guide=guide,
                order=index,
                defaults={
                    "title": english["title"],
                    **localized("title", titles),
                    **localized("body", bodies),
                    "status": Status.PUBLISHED,
                },
            )
        if slug == "harbor-view-high":
            GuideSection.objects.update_or_create(
                guide=guide,
                order=len(guides["en"]["sections"]),
                defaults={
                    "title": GRADUATION["title"]["en"],
                    **localized("title", GRADUATION["title"]),
                    **localized("body", GRADUATION["body"]),
                    "status": Status.PUBLISHED,
                },
            )
        return school

    def seed_staff(self, district, schools):
        hashed = []

        def person(email, name, **flags):
            user = User.objects.filter(email=email).first()
            if user is None:
                # Hashed once for all the demo logins: a hash takes most of a second on purpose.
                if not hashed:
                    hashed.append(make_password(DEMO_PASSWORD))
                user = User.objects.create(email=email, name=name, password=hashed[0], **flags)
            return user

        person("admin@example.org", "Portal administrator", is_staff=True, is_superuser=True)
        by_slug = {school.slug: school for school in schools}
        for email, name, slug in [
            ("staff.lincoln@example.org", "Ana (Lincoln parent coordinator)", "lincoln-elementary"),
            ("staff.rosaparks@example.org", "Malik (Rosa Parks office)", "rosa-parks-middle"),
        ]:
            user = person(email, name, is_staff=True)
            StaffRole.objects.get_or_create(user=user, kind="school_staff", school=by_slug[slug])
        user = person("district@example.org", "Dana (district family engagement)", is_staff=True)
        StaffRole.objects.get_or_create(user=user, kind="district_staff", district=district)
        desk = person("desk.lincoln@example.org", "Lincoln front desk")
        StaffRole.objects.get_or_create(
            user=desk, kind="front_desk", school=by_slug["lincoln-elementary"]
        )
        partner, _ = Partner.objects.get_or_create(
            name="Casa Comunidad", defaults={"phone": "+1 555 0100 404"}
        )
        partner.schools.add(by_slug["lincoln-elementary"], by_slug["rosa-parks-middle"])
        helper = person("cbo@example.org", "Luz (Casa Comunidad)")
        StaffRole.objects.get_or_create(user=helper, kind="partner_staff", partner=partner)
        keys = {email: authenticator_key(User.objects.get(email=email)) for email in DEMO_STAFF}
        # A parent who logs in with a phone and a code (the code shows in this terminal).
        parent = User.objects.filter(phone=DEMO_PARENT_PHONE).first()
        if parent is None:
            parent = User.objects.create_user(
                phone=DEMO_PARENT_PHONE, phone_verified=True, name="Rina"
            )
            parent.set_unusable_password()
            parent.save()
        # Her name as she would write it, in Spanish (an older demo wrote it in English).
        name = "Rina (mamá de Ana)"
        family = Family.objects.filter(user=parent).first()
        if family is None:
            family = register_family(user=parent, display_name=name, language="es", channel="sms")
        elif family.display_name == "Rina (mother of Ana)":
            Family.objects.filter(pk=family.pk).update(display_name=name)
        Membership.objects.get_or_create(
            family=family,
            school=by_slug["lincoln-elementary"],
            defaults={"status": Membership.Status.CONFIRMED, "via": Membership.Via.JOIN_CODE},
        )
        return keys

    # A few conversations in several languages, each message with the translation the
    # staff (English) or the family reads, as a machine would have made it.
    CONVERSATIONS = [
        (
            None,  # the demo parent who logs in (Rina, Spanish)
            "lincoln-elementary",
            [
                (
                    "es",
                    "Hola, ¿a qué hora pasa el autobús por Maple Street?",
                    {"en": "Hello, what time does the bus come by Maple Street?"},
                ),
                (
                    "en",
                    "The bus stops at Maple Street at 7:40 every morning.",
                    {"es": "El autobús para en Maple Street a las 7:40 todas las mañanas."},
                ),
            ],
        ),
        (
            ("Manise (manman Jean)", "ht"),
            "lincoln-elementary",
            [
                (
                    "ht",
                    "Bonjou, pitit mwen an malad jodi a, li p ap vini lekòl.",
                    {"en": "Hello, my child is sick today, he will not come to school."},
                ),
            ],
        ),
        (
            ("李梅（小明的妈妈）", "zh-hans"),
            "lincoln-elementary",
            [
                (
                    "zh-hans",
                    "请问下周的家长会几点开始？",
                    {"en": "When does next week's parent meeting start?"},
                )
            ],
        ),
        (
            ("فاطمة (أم يوسف)", "ar"),
            "rosa-parks-middle",
            [
                (
                    "ar",
                    "مرحبًا، هل يوجد مترجم في اجتماع أولياء الأمور؟",
                    {"en": "Hello, is there an interpreter at the parents' meeting?"},
                ),
                (
                    "en",
                    "Yes, an Arabic interpreter will be there.",
                    {"ar": "نعم، سيكون هناك مترجم للغة العربية."},
                ),
            ],
        ),
    ]

    def seed_conversations(self, schools):
        """Made once: a second run finds the conversations and adds nothing."""
        by_slug = {school.slug: school for school in schools}
        staff = {
            "lincoln-elementary": User.objects.get(email="staff.lincoln@example.org"),
            "rosa-parks-middle": User.objects.get(email="staff.rosaparks@example.org"),
        }
        started = timezone.now() - timedelta(days=2)
        for who, slug, messages in self.CONVERSATIONS:
            school = by_slug[slug]
            if who is None:
                family = Family.objects.get(user__phone=DEMO_PARENT_PHONE)
            else:
                name, language = who
                family = Family.objects.filter(display_name=name).first() or register_family(
                    user=None, display_name=name, language=language, channel="none"
                )
                Membership.objects.get_or_create(
                    family=family,
                    school=school,
                    defaults={"status": Membership.Status.CONFIRMED, "via": Membership.Via.STAFF},
                )
            thread, created = Thread.objects.get_or_create(family=family, school=school)
            if not created:
                continue
            when = started
            for index, (language, text, translations) in enumerate(messages):
                from_family = index % 2 == 0
                when += timedelta(hours=3)
                ThreadMessage.objects.create(
                    thread=thread,
                    from_family=from_family,
                    author=None if from_family else staff[slug],
                    text=text,
                    language=language,
                    translations=translations,
                    created_at=when,
                )
            last_from_family = len(messages) % 2 == 1
            Thread.objects.filter(pk=thread.pk).update(
                last_message_at=when,
                unread_by_staff=1 if last_from_family else 0,
                unread_by_family=0 if last_from_family else 1,
            )
            if who is not None and language == "ht":
                CallbackRequest.objects.get_or_create(
                    family=family, school=school, thread=thread, language="ht"
                )

    def seed_events(self, district, schools):
        """Upcoming events (the history fills one, with a waiting list), a district summit, a
        committee. Returns the texts of the events in every language."""
        path = DEMO_DIR / "events.json"
        texts = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
        if not texts:
            english = json.loads((DEMO_DIR / "events.en.json").read_text(encoding="utf-8"))
            texts = {"en": english}
        lincoln = schools[0]
        today = timezone.localtime().replace(hour=18, minute=0, second=0, microsecond=0)
        plans = [
            (lincoln, today + timedelta(days=5), 40, "meeting"),
            (lincoln, today + timedelta(days=12), 20, "workshop"),
            (None, today + timedelta(days=30), 200, "summit"),  # the district's, for all schools
        ]
        for index, (school, start, capacity, kind) in enumerate(plans):
            titles = {c: t["events"][index]["title"] for c, t in texts.items()}
            descriptions = {c: t["events"][index]["description"] for c, t in texts.items()}
            places = {c: t["events"][index]["place"] for c, t in texts.items()}
            # The upcoming one of its kind (the history has past ones of the same kind); it
            # moves with each run, so it stays upcoming.
            Event.objects.update_or_create(
                district=district,
                school=school,
                kind=kind,
                ends_at__gte=timezone.now(),
                defaults={
                    "title": titles["en"],
                    **localized("title", titles),
                    **localized("description", descriptions),
                    # The place in every language ("Library" read in English nowhere);
                    # the address stays as written, like on an envelope.
                    "place": places["en"],
                    **localized("place", places),
                    "address": school.address if school else "10 Main Street, Riverside",
                    "starts_at": start,
                    "ends_at": start + timedelta(hours=2),
                    "capacity": capacity,
                    "interpreter_languages": ["es", "ar", "bn", "zh-hans", "ht"],
                    "childcare": True,
                    "food": index != 1,
                    "accessible": True,
                    "status": Event.Status.PUBLISHED,
                },
            )
        committee_texts = {c: t["committee"] for c, t in texts.items()}
        committee, _ = Committee.objects.update_or_create(
            school=lincoln,
            kind=Committee.Kind.WELCOMING,
            defaults={
                "district": district,
                "name": committee_texts["en"]["name"],
                **localized("name", {c: t["name"] for c, t in committee_texts.items()}),
                **localized(
                    "description", {c: t["description"] for c, t in committee_texts.items()}
                ),
                **localized("meets", {c: t["meets"] for c, t in committee_texts.items()}),
                "status": Status.PUBLISHED,
            },
        )
        year = today.year if today.month >= 9 else today.year - 1
        for number in range(1, 11):
            Seat.objects.get_or_create(
                committee=committee,
                label=f"{number}",
                defaults={"term_start": f"{year}-09-01", "term_end": f"{year + 1}-06-30"},
            )
        return texts

    def seed_announcement(self, school):
        """An announcement from Lincoln to all its families, in several languages (a family
        in another language reads the English one, told so), sent through the outbox once:
        a second run finds it sent and queues nothing."""
        from conversations.announcements import services as announcements
        from conversations.announcements.models import Announcement, Version

        texts = json.loads((DEMO_DIR / "announcement.json").read_text(encoding="utf-8"))
        announcement = Announcement.objects.filter(
            school=school, versions__language="en", versions__title=texts["en"][0]
        ).first()
        if announcement is None:
            announcement = Announcement.objects.create(
                school=school,
                district=school.district,
                created_by=User.objects.filter(email="staff.lincoln@example.org").first(),
            )
            Version.objects.bulk_create(
                Version(announcement=announcement, language=code, title=title, body=body)
                for code, (title, body) in texts.items()
            )
        announcements.send(announcement)

    def seed_conferences(self, school, texts):
        """A conference day at Lincoln next week: three teachers and a counselor, a break,
        three interpreters (staff, contracted, a parent volunteer) and a parent's offer
        waiting for approval. Moved to next week on each run, never made twice."""
        from datetime import time as clock

        from signups.models import Availability, Break, ConferenceDay, Host, Interpreter

        date = timezone.localdate() + timedelta(days=8)
        day = ConferenceDay.objects.filter(school=school).order_by("pk").first()
        if day is None:
            day = ConferenceDay(school=school)
        elif day.date < timezone.localdate():
            day.slots.all().delete()  # last run's day has passed: its times go with it
        day.date = date
        day.starts, day.ends, day.slot_minutes = clock(15, 0), clock(18, 0), 15
        # The events' "Library" in every language, as the events read it.
        library = {c: t["events"][0]["place"] for c, t in texts.items()}
        day.by_phone = True
        for field, text in {"place": library["en"], **localized("place", library)}.items():
            setattr(day, field, text)
        day.booking_deadline = timezone.now() + timedelta(days=6)
        day.status = ConferenceDay.Status.PUBLISHED
        day.save()
        Break.objects.get_or_create(day=day, starts=clock(16, 30), defaults={"ends": clock(16, 45)})
        for name, role, room in [
            ("Ms. Rivera", Host.Role.TEACHER, "104"),
            ("Mr. Okafor", Host.Role.TEACHER, "108"),
            ("Ms. Chen", Host.Role.TEACHER, "112"),
            ("Mr. Haddad", Host.Role.COUNSELOR, "Office 2"),
        ]:
            Host.objects.get_or_create(day=day, name=name, defaults={"role": role, "room": room})
        for name, kind, languages, approved in [
            ("Nusrat Jahan", Interpreter.Kind.STAFF, ["bn"], True),
            ("Lucía Gómez", Interpreter.Kind.CONTRACTED, ["es"], True),
            ("Samir Aziz", Interpreter.Kind.PARENT, ["ar", "ur"], True),
            ("Jean Baptiste", Interpreter.Kind.PARENT, ["ht"], False),
        ]:
            interpreter, _created = Interpreter.objects.get_or_create(
                school=school,
                name=name,
                defaults={"kind": kind, "languages": languages, "approved": approved},
            )
            if approved:
                Availability.objects.get_or_create(
                    day=day,
                    interpreter=interpreter,
                    defaults={"starts": clock(15, 0), "ends": clock(18, 0)},
                )
        day.make_slots()

    def seed_volunteering(self, school):
        """Two opportunities with their shifts at Lincoln (portal/demo/volunteering.json:
        the texts in the languages written; the others read English with the usual note).
        The shifts move with each run, so they stay ahead."""
        texts = json.loads((DEMO_DIR / "volunteering.json").read_text(encoding="utf-8"))
        today = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
        for plan in texts["opportunities"]:
            opportunity, _ = Opportunity.objects.update_or_create(
                school=school,
                title_en=plan["title"]["en"],
                defaults={
                    "title": plan["title"]["en"],
                    **localized("title", plan["title"]),
                    **localized("description", plan["description"]),
                    **localized("place", plan["place"]),
                    **localized("skills", plan["skills"]),
                    "languages": plan["languages"],
                    "status": Opportunity.Status.PUBLISHED,
                },
            )
            if opportunity.shifts.filter(starts_at__gt=timezone.now()).exists():
                continue
            for days, hour, minute, end_hour, end_minute, places in plan["shifts"]:
                day = today + timedelta(days=days)
                Shift.objects.create(
                    opportunity=opportunity,
                    starts_at=day.replace(hour=hour, minute=minute),
                    ends_at=day.replace(hour=end_hour, minute=end_minute),
                    places=places,
                )

    def seed_audio(self, schools):
        espeak = shutil.which("espeak-ng")
        if not espeak:
            self.stdout.write("No espeak-ng on this machine: the demo has no recordings.")
            return 0
        wanted = []
        sections = GuideSection.objects.filter(guide__school__in=schools).select_related("guide")
        for section in sections:
            for code, voice in VOICES.items():
                if GuideSectionAudio.objects.filter(section=section, language=code).exists():
                    continue
                text = getattr(section, build_localized_fieldname("body", code))
                if text:
                    wanted.append((section, code, voice, text))
        # The schools share most of their guide's words, and each recording costs a second of
        # ffmpeg: each (voice, text) is spoken and made Opus once, on every core at once.
        distinct = list({(voice, text) for _, _, voice, text in wanted})
        with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
            spoken = dict(
                zip(distinct, pool.map(lambda job: speak(espeak, *job), distinct), strict=True)
            )
        for section, code, voice, text in wanted:
            wav, opus = spoken[(voice, text)]
            content = ContentFile(wav, name=f"{code}.wav")
            content._opus = opus  # made above: RecordingFile.save stores it (schools.audio)
            audio = GuideSectionAudio(section=section, language=code)
            audio.file.save(f"{code}.wav", content, save=True)
        return len(wanted)


def speak(espeak: str, voice: str, text: str):
    """espeak-ng's WAV of the text and its Opus (None where ffmpeg is missing or too slow:
    the WAV is stored then, as a staff upload would be)."""
    with tempfile.NamedTemporaryFile(suffix=".wav") as wav:
        subprocess.run(  # noqa: S603 (fixed program, text passed as one argument)
            [espeak, "-v", voice, "-s", "150", "-w", wav.name, text],
            check=True,
            capture_output=True,
            timeout=60,
        )
        data = Path(wav.name).read_bytes()
    return data, to_opus(ContentFile(data))
