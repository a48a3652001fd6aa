import re

import pytest
from django.db import connection

from families.models import Family, Membership
from families.services import register_family
from messaging import sms
from tests.conftest import make_staff


def last_code(phone=None):
    texts = [m["text"] for m in sms.outbox if phone is None or m["to"] == phone]
    assert texts, "no SMS was sent"
    return re.search(r"\b(\d{6})\b", texts[-1]).group(1)


def make_family(name, school=None, phone=None, email=None, language="en", confirmed=True):
    from accounts.models import User

    user = None
    if phone or email:
        user = User.objects.create_user(email=email, phone=phone, name=name)
        user.phone_verified = bool(phone)
        user.save()
    channel = "sms" if phone else "email" if email else "none"
    family = register_family(user=user, display_name=name, language=language, channel=channel)
    if school is not None:
        Membership.objects.create(
            family=family,
            school=school,
            status=Membership.Status.CONFIRMED if confirmed else Membership.Status.REQUESTED,
        )
    return family


@pytest.fixture
def family_a(school_a):
    return make_family("ZZX Rina", school_a, phone="+12125550101", email="rina@example.org")


@pytest.fixture
def family_b(school_b):
    return make_family("ZZY Omar", school_b, phone="+12125550102", email="omar@example.org")


__all__ = ["Family", "last_code", "make_family", "make_staff"]


# Erasure scans (RELIABILITY F4): every text and JSON column of every table.
def text_columns():
    with connection.cursor() as cursor:
        cursor.execute(
            "select table_name, column_name from information_schema.columns "
            "where table_schema = current_schema() and data_type in "
            "('text', 'character varying', 'jsonb', 'json')"
        )
        return cursor.fetchall()


def database_hits(needles):
    hits = []
    with connection.cursor() as cursor:
        for table, column in text_columns():
            for needle in needles:
                cursor.execute(
                    f'select count(*) from "{table}" where "{column}"::text ilike %s',  # noqa: S608
                    [f"%{needle}%"],
                )
                if cursor.fetchone()[0]:
                    hits.append((table, column, needle))
    return hits
