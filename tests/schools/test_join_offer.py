"""The school page offers "Join this school" only to a family that does not belong yet."""

import pytest

from tests.families.conftest import make_family

pytestmark = pytest.mark.django_db
JOIN = "Join this school"


def test_a_visitor_and_a_family_of_another_school_are_offered_to_join(client, school_a, school_b):
    assert JOIN in client.get("/en/schools/school-a/").content.decode()
    elsewhere = make_family("ZZJ Omar", school_b, phone="+12125550171")
    client.force_login(elsewhere.user)
    assert JOIN in client.get("/en/schools/school-a/").content.decode()


def test_a_family_that_belongs_is_not_offered_to_join_again(client, school_a):
    family = make_family("ZZJ Rina", school_a, phone="+12125550172")
    client.force_login(family.user)
    page = client.get("/en/schools/school-a/").content.decode()
    assert JOIN not in page and "join/?school=school-a" not in page
    assert "Your family belongs to this school." in page
    page = client.get("/es/schools/school-a/").content.decode()
    assert "Unirse a esta escuela" not in page
    assert "Su familia forma parte de esta escuela." in page


def test_a_family_waiting_for_the_school_is_told_so_instead(client, school_a):
    family = make_family("ZZJ Lina", school_a, phone="+12125550173", confirmed=False)
    client.force_login(family.user)
    page = client.get("/en/schools/school-a/").content.decode()
    assert JOIN not in page
    assert "You asked to join this school. The school will confirm soon." in page


def test_each_family_sees_where_it_stands_not_where_another_does(client, school_a, school_b):
    """The status is read for this login's family only (its row came with the session's:
    portal.signed_in), whoever else belongs to or waits for the school."""
    make_family("ZZJ Rina", school_a, phone="+12125550172")
    waiting = make_family("ZZJ Lina", school_a, phone="+12125550173", confirmed=False)
    elsewhere = make_family("ZZJ Omar", school_b, phone="+12125550171")
    client.force_login(elsewhere.user)
    assert JOIN in client.get("/en/schools/school-a/").content.decode()
    client.force_login(waiting.user)
    page = client.get("/en/schools/school-a/").content.decode()
    assert "You asked to join this school." in page and "belongs to this school" not in page
