"""The SVG bar chart drawn on the server."""

import re

from governance.dashboard.svg import Bar, horizontal_bars


def test_bar_chart_scales_to_the_largest_value_and_escapes_labels():
    chart = horizontal_bars(
        [Bar("a", "<b>A</b>", 10, "/x?a=1&b=2"), Bar("b", "B", 5, "/y")],
        chart_id="t",
        label="Test",
        width=400,
        label_width=100,
    )
    assert "&lt;b&gt;A&lt;/b&gt;" in chart and "<b>" not in chart
    assert 'href="/x?a=1&amp;b=2"' in chart
    widths = re.findall(r'width="([\d.]+)" height="24" rx="4" fill="#0f5f73"', chart)
    assert [float(w) for w in widths] == [252.0, 126.0]  # track 400 - 100 - 48
