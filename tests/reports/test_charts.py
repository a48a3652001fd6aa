"""The charts' geometry for a phone (reports/charts.py): labels wrapped, never cut; every
figure above zero draws a bar; dates on the time axis do not run into each other or past the
edge. The browser test (tests/e2e/test_thumbs_and_type.py) measures the drawn result."""

import pytest

from reports import charts


@pytest.mark.parametrize(
    "label",
    [
        "Kreyòl ayisyen (Haitian Creole) families registered this year",
        "中文（繁體）家庭的登記人數與出席人數，以及每週參加學校活動的家庭人數",
        "Supercalifragilisticexpialidociousschoolname",
        "مدرسة لينكولن الابتدائية للأطفال والعائلات الجديدة",
    ],
)
def test_a_long_label_is_wrapped_to_the_chart_and_keeps_every_letter(label):
    lines = charts.wrap(label, charts.WIDTH - 4, charts.LABEL_SIZE)
    assert len(lines) > 1
    assert all(charts.text_width(line, charts.LABEL_SIZE) <= charts.WIDTH - 4 for line in lines)
    assert "".join(lines).replace(" ", "") == label.replace(" ", "")


def test_a_small_figure_still_draws_a_bar_and_a_hidden_one_draws_none(settings):
    chart = charts.bar_chart(
        "t",
        "d",
        [("Big", [(1000, "1000")]), ("Small", [(1, "1")]), ("Hidden", [(None, "")])],
        ["Families"],
        rtl=False,
    )
    big, small, hidden = (group.bars[0] for group in chart["groups"])
    assert big.width > 200 and small.width >= 3
    assert hidden.width == 0 and hidden.text.startswith("<")
    assert all(bar.x + bar.width <= charts.WIDTH for bar in (big, small))


@pytest.mark.parametrize("rtl", [False, True])
def test_the_dates_of_a_year_fit_the_time_axis_side_by_side(rtl):
    labels = [f"{day} September 2026" for day in range(1, 53)]
    chart = charts.line_chart("t", "d", labels, [("RSVPs", list(range(52)))], rtl=rtl)
    ticks = sorted(chart["ticks"], key=lambda tick: tick["x"])
    assert len(ticks) >= 2
    half = charts.text_width(labels[0], charts.VALUE_SIZE) / 2
    assert ticks[0]["x"] - half >= 0 and ticks[-1]["x"] + half <= charts.WIDTH
    for before, after in zip(ticks, ticks[1:], strict=False):
        assert after["x"] - before["x"] >= 2 * half
