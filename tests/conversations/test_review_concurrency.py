"""Double taps on PostgreSQL, with real threads and connections: the same request sent
several times at once acts once."""

import pytest

from conversations import services
from conversations.models import CallbackRequest
from tests.events.test_concurrency import run_together

pytestmark = [pytest.mark.pg, pytest.mark.django_db(transaction=True)]


def test_an_interpreter_call_asked_four_times_at_once_is_one_call(parent, school_a):
    # "One open request per school": the check found no row to lock, so each tap made one.
    calls = [
        lambda i=i: services.request_callback(family=parent, school=school_a, note=f"n{i}")
        for i in range(4)
    ]
    assert run_together(calls, workers=4) == []
    (row,) = CallbackRequest.objects.filter(family=parent, status="open")
    assert sorted(row.note.split("\n")) == ["n0", "n1", "n2", "n3"]
