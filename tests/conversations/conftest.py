import pytest

from conversations.models import Thread
from tests.families.conftest import make_family


@pytest.fixture
def parent(school_a):
    """A Haitian Creole parent of school A, reached by text."""
    return make_family("ZZP Manise", school_a, phone="+12125550177", language="ht")


@pytest.fixture
def other_parent(school_b):
    return make_family("ZZO Omar", school_b, phone="+12125550178", language="ar")


def thread_page(thread, language="ht"):
    return f"/{language}/my/messages/{thread.pk}/"


def admin_thread(thread):
    return f"/admin/conversations/thread/{thread.pk}/change/"


__all__ = ["Thread", "admin_thread", "make_family", "thread_page"]
