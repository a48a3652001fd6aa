"""A phone two families share, on PostgreSQL with real threads and connections (RELIABILITY
E14): texts arriving at the same moment are held and asked about once, and letters sent at
the same moment apply each held text once."""

import pytest
from django.test import Client

from conversations.models import ThreadMessage
from conversations.replies_models import HeldReply
from families.models import Family
from messaging.models import Message
from tests.conversations.conftest import reply
from tests.events.test_concurrency import run_together
from tests.families.conftest import make_family

pytestmark = [pytest.mark.pg, pytest.mark.django_db(transaction=True)]
PHONE = "+12125550123"


def test_texts_and_letters_at_the_same_moment_ask_once_and_apply_once(school_a, school_b, signed):
    make_family("Maria", school_a, phone=PHONE)
    hamid = make_family("Hamid", school_b)
    Family.objects.filter(pk=hamid.pk).update(shared_phone=PHONE, channel="sms")
    texts = [f"Question {n}" for n in range(6)]
    errors = run_together([lambda t=t: reply(Client(), PHONE, t) for t in texts], workers=6)
    assert errors == []
    assert HeldReply.objects.count() == 6
    assert Message.objects.filter(kind="which_family").count() == 1
    errors = run_together([lambda: reply(Client(), PHONE, "B")] * 4, workers=4)
    assert errors == []
    written = sorted(ThreadMessage.objects.values_list("thread__family", "text"))
    assert written == [(hamid.pk, t) for t in texts]
