"""Readers of the real report pages: every CSV a person can download for one period and scope
(and the page of each event in it), turned into the exact reader's model (tests/reports/exact)
whose unknowns are the true underlying counts taken from the database rows.

Only what a page shows goes in: a shown number is known exactly, "<10" is hidden, an empty
cell says nothing. The structure (which rows add up to which figure) is public knowledge."""

import csv
import io
import re
from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from django.utils.formats import date_format

from events.models import Event, Rsvp
from families.models import Family, Membership
from portal.languages import LANGUAGES
from reports import scope as q
from tests.reports.exact import Reader

NAMES = {**{code: str(name) for code, name in LANGUAGES}, q.OTHER: "Other or not given"}


def read(client, page, key, query):
    response = client.get(f"/en/reports/{page}?{query}&csv={key}")
    if response.status_code == 404:
        return None
    assert response.status_code == 200, (page, key)
    body = response.content.decode("utf-8")[1:]
    rows = list(csv.reader(io.StringIO(body)))
    return rows[0], rows[1:]


def column(header, name):
    return header.index(name)


def value(text):
    """(shown, number) of a cell: "<10" is hidden, "" says nothing, "+5 (+45%)" is 5."""
    text = text.strip()
    if text.startswith("<"):
        return "hidden", None
    found = re.match(r"^[+-]?\d+", text.replace("\u2212", "-"))
    if not found or "%" in text.split(" ")[0]:
        return "none", None
    return "shown", int(found.group(0))


class PageReader(Reader):
    """A Reader fed from page cells: each cell names the atoms it adds up."""

    def cell(self, name, text, atoms, truth):
        kind, number = value(text)
        if kind == "none":
            return
        if kind == "shown":
            assert number == truth, (name, number, truth)  # the page tells the truth
        self.figure(name, atoms, truth, kind == "hidden")


def _period():
    return q.default_period()


def _events(scope, start, end):
    return list(
        scope.events()
        .filter(status=Event.Status.PUBLISHED, starts_at__gte=start, starts_at__lt=end)
        .select_related("school")
    )


def rsvp_reader(client, scope, limit=10) -> PageReader:
    """Every RSVP, attendance, interpreter and childcare figure of the overview, languages,
    schools and events pages and of each event's page, over atoms (event, language, attended
    or not) and (event, interpreter language asked), (event, childcare asked)."""
    period = _period()
    query = f"{scope.query_string()}"
    reader = PageReader(limit)
    events = _events(scope, period.start, period.end)
    before_events = _events(scope, period.previous().start, period.previous().end)
    langs = q.LANGUAGE_KEYS
    att, ns, interp, child = {}, {}, {}, {}
    truth = {}
    for event in events + before_events:
        for lang in langs:
            att[event.pk, lang] = reader.atom(("att", event.pk, lang))
            ns[event.pk, lang] = reader.atom(("ns", event.pk, lang))
            interp[event.pk, lang] = reader.atom(("interp", event.pk, lang))
        child[event.pk] = reader.atom(("child", event.pk))
    for atom in list(att.values()) + list(ns.values()) + list(interp.values()):
        truth[atom] = 0
    for atom in child.values():
        truth[atom] = 0
    for r in Rsvp.objects.filter(
        event__in=events + before_events, status=Rsvp.Status.GOING
    ).select_related("family"):
        lang = q.language_key(r.family.language)
        truth[(att if r.arrived_at else ns)[r.event_id, lang]] += 1
        if r.needs_interpreter:
            truth[
                interp[r.event_id, q.language_key(r.interpreter_language or r.family.language)]
            ] += 1
        if r.needs_childcare:
            truth[child[r.event_id]] += 1

    def total(atoms):
        return sum(truth[a] for a in atoms)

    def fig(name, text, atoms):
        reader.cell(name, text, atoms, total(atoms))

    def going(evs, ls=langs):
        return [att[e.pk, lang] for e in evs for lang in ls] + [
            ns[e.pk, lang] for e in evs for lang in ls
        ]

    def attended(evs, ls=langs):
        return [att[e.pk, lang] for e in evs for lang in ls]

    def noshow(evs, ls=langs):
        return [ns[e.pk, lang] for e in evs for lang in ls]

    def asked(evs, met=None):
        return [
            interp[e.pk, lang]
            for e in evs
            for lang in langs
            if met is None or (lang in (e.interpreter_languages or [])) == met
        ]

    def childcare(evs, met=None):
        return [child[e.pk] for e in evs if met is None or e.childcare == met]

    # Events table.
    header, rows = read(client, "events/", "events", query)
    by_title = {e.title: e for e in events}
    for row in rows:
        group = [by_title[row[0]]] if row[0] in by_title else events
        fig(f"events {row[0]} going", row[3], going(group))
        fig(f"events {row[0]} attended", row[4], attended(group))
        fig(f"events {row[0]} no-shows", row[5], noshow(group))
    # Schools table.
    header, rows = read(client, "schools/", "schools", query)
    for row in rows:
        if row[0] == "Total":
            group = events
        elif row[0] == "District-wide events":
            group = [e for e in events if e.school_id is None]
        else:
            group = [e for e in events if e.school and e.school.name == row[0]]
        fig(f"schools {row[0]} going", row[3], going(group))
        fig(f"schools {row[0]} attended", row[4], attended(group))
        fig(f"schools {row[0]} no-shows", row[6], noshow(group))
        fig(f"schools {row[0]} interpreter", row[7], asked(group))
        fig(f"schools {row[0]} interpreter not met", row[8], asked(group, met=False))
    # Overview: key figures, weekly, help.
    header, rows = read(client, "", "figures", query)
    rows = {row[0]: row[1:] for row in rows}
    zone = timezone.get_current_timezone()
    fig("figures going", rows["RSVPs (going)"][0], going(events))
    fig("figures attended", rows["Attended (checked in)"][0], attended(events))
    fig("figures going before", rows["RSVPs (going)"][1], going(before_events))
    fig("figures attended before", rows["Attended (checked in)"][1], attended(before_events))
    for label, now_atoms, before_atoms in (
        ("RSVPs (going)", going(events), going(before_events)),
        ("Attended (checked in)", attended(events), attended(before_events)),
        ("Interpreter requests", asked(events), asked(before_events)),
        ("Interpreter requests met", asked(events, True), asked(before_events, True)),
        ("Childcare requests", childcare(events), childcare(before_events)),
        ("Childcare requests met", childcare(events, True), childcare(before_events, True)),
    ):
        fig(f"figures {label}", rows[label][0], now_atoms)
        fig(f"figures {label} before", rows[label][1], before_atoms)
        kind, number = value(rows[label][2])
        if kind == "shown":
            coefficients = dict.fromkeys(now_atoms, 1)
            for a in before_atoms:
                coefficients[a] = coefficients.get(a, 0) - 1
            change = total(now_atoms) - total(before_atoms)
            assert number == change, (label, number, change)
            reader.figure(f"figures {label} change", coefficients, change, False)
    header, rows = read(client, "", "weekly", query)
    weeks = {}
    for event in events:
        day = timezone.localtime(event.starts_at, zone).date()
        monday = day - timedelta(days=day.weekday())
        weeks.setdefault(date_format(monday, "SHORT_DATE_FORMAT"), []).append(event)
    for row in rows:
        group = events if row[0] == "Total" else weeks.get(row[0], [])
        fig(f"weekly {row[0]} going", row[1], going(group))
        fig(f"weekly {row[0]} attended", row[2], attended(group))
    header, rows = read(client, "", "help", query)
    for row in rows:
        fn = asked if row[0] == "Interpreter" else childcare
        fig(f"help {row[0]} asked", row[1], fn(events))
        fig(f"help {row[0]} met", row[2], fn(events, True))
        fig(f"help {row[0]} not met", row[3], fn(events, False))
    # Languages page.
    header, rows = read(client, "languages/", "participation", query)
    for row in rows:
        ls = langs if row[0] == "Total" else [k for k in langs if NAMES[k] == row[0]]
        fig(f"languages {row[0]} going", row[column(header, "RSVPs")], going(events, ls))
        fig(f"languages {row[0]} attended", row[column(header, "Attended")], attended(events, ls))
    # Each event's own page.
    for event in events:
        found = read(client, f"events/{event.pk}/", "by_language", query)
        header, rows = found
        for row in rows:
            ls = langs if row[0] == "Total" else [k for k in langs if NAMES[k] == row[0]]
            fig(f"event {event.title} {row[0]} going", row[1], going([event], ls))
            fig(f"event {event.title} {row[0]} attended", row[2], attended([event], ls))
            fig(f"event {event.title} {row[0]} no-shows", row[3], noshow([event], ls))
        found = read(client, f"events/{event.pk}/", "interpreters", query)
        header, rows = found
        for row in rows:
            ls = langs if row[0] == "Total" else [k for k in langs if NAMES[k] == row[0]]
            fig(
                f"event {event.title} interpreters {row[0]}",
                row[1],
                [interp[event.pk, lang] for lang in ls],
            )
    return reader


def family_reader(client, scope, limit=10) -> PageReader:
    """Every family figure of the overview, languages, schools and committees pages, over
    atoms (language, when registered, set of the scope's schools the family belongs to)."""
    period = _period()
    previous = period.previous()
    query = scope.query_string()
    reader = PageReader(limit)
    schools = [scope.school] if scope.school else list(scope.district.schools.order_by("name"))
    school_sets = [frozenset([s.pk]) for s in schools]
    if len(schools) > 1:
        school_sets.append(frozenset(s.pk for s in schools))
    buckets = ("older", "previous", "new")
    atoms = {}
    truth = {}
    for lang in q.LANGUAGE_KEYS:
        for bucket in buckets:
            for school_set in school_sets:
                atoms[lang, bucket, school_set] = reader.atom((lang, bucket, tuple(school_set)))
                truth[atoms[lang, bucket, school_set]] = 0
    ids = {s.pk for s in schools}
    for family in Family.objects.filter(erased_at__isnull=True, created_at__lt=period.end):
        member_of = frozenset(
            Membership.objects.filter(
                family=family, status=Membership.Status.CONFIRMED, school__in=ids
            ).values_list("school_id", flat=True)
        )
        if not member_of:
            continue
        bucket = (
            "new"
            if family.created_at >= period.start
            else "previous"
            if family.created_at >= previous.start
            else "older"
        )
        truth[atoms[q.language_key(family.language), bucket, member_of]] += 1

    def pick(langs=q.LANGUAGE_KEYS, bs=buckets, school=None):
        return [
            atoms[lang, b, s]
            for lang in langs
            for b in bs
            for s in school_sets
            if school is None or school in s
        ]

    def fig(name, text, group):
        reader.cell(name, text, group, sum(truth[a] for a in group))

    def lang_of(label):
        return (
            q.LANGUAGE_KEYS
            if label == "Total"
            else [k for k in q.LANGUAGE_KEYS if NAMES[k] == label]
        )

    header, rows = read(client, "", "families_by_language", query)
    for row in rows:
        fig(f"overview {row[0]} registered", row[1], pick(lang_of(row[0])))
        fig(f"overview {row[0]} new", row[3], pick(lang_of(row[0]), ("new",)))
    header, rows = read(client, "", "figures", query)
    rows = {row[0]: row[1:] for row in rows}
    now, before = pick(), pick(bs=("older", "previous"))
    fig("figures registered", rows["Families registered"][0], now)
    fig("figures registered before", rows["Families registered"][1], before)
    fig("figures new", rows["New families in the period"][0], pick(bs=("new",)))
    fig("figures new before", rows["New families in the period"][1], pick(bs=("previous",)))
    for label, now_atoms, before_atoms in (
        ("Families registered", now, before),
        ("New families in the period", pick(bs=("new",)), pick(bs=("previous",))),
    ):
        kind, number = value(rows[label][2])
        if kind == "shown":
            coefficients = dict.fromkeys(now_atoms, 1)
            for a in before_atoms:
                coefficients[a] = coefficients.get(a, 0) - 1
            change = sum(truth[a] * c for a, c in coefficients.items())
            assert number == change, (label, number, change)
            reader.figure(f"figures {label} change", coefficients, change, False)
    header, rows = read(client, "languages/", "participation", query)
    for row in rows:
        fig(f"languages {row[0]} families", row[1], pick(lang_of(row[0])))
    header, rows = read(client, "committees/", "members_by_language", query)
    for row in rows:
        fig(f"committees {row[0]} families", row[3], pick(lang_of(row[0])))
    by_name = {s.name: s.pk for s in schools}
    header, rows = read(client, "schools/", "schools", query)
    for row in rows:
        if row[0] in by_name:
            fig(f"schools {row[0]} families", row[1], pick(school=by_name[row[0]]))
    found = read(client, "", "families_by_school", query)
    if found:
        for row in found[1]:
            fig(f"by school {row[0]} families", row[1], pick(school=by_name[row[0]]))
    found = read(client, "languages/", "families_by_school_and_language", query)
    if found:
        header, rows = found
        for row in rows:
            school = by_name.get(row[0])
            for index, label in enumerate(header[1:-1], start=1):
                fig(f"cross {row[0]} {label}", row[index], pick(lang_of(label), school=school))
            fig(f"cross {row[0]} total", row[-1], pick(school=school))
    return reader


def limit():
    return settings.REPORTS_MIN_COUNT
