"""Numbers on the figures page, written the way each language writes them."""

from __future__ import annotations

from app.dashboard.charts import decimal, percent
from app.reports import figures


def test_numbers_read_the_way_each_language_writes_them() -> None:
    assert decimal(2.5, "id") == "2,5"
    assert decimal(2.5, "en") == "2.5"
    assert decimal(93.0555, "id", 2) == "93,06"
    assert percent(figures.Share("ktp", 2, 3), "id") == "66,7%"
    assert percent(figures.Share("ktp", 2, 3), "en") == "66.7%"
