import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "path", ["", "languages/", "schools/", "events/", "committees/", "coverage/"]
)
def test_pages_render(client, district_staff_a, world, path):
    client.force_login(district_staff_a)
    response = client.get(f"/en/reports/{path}")
    assert response.status_code == 200, response.content[:2000]
