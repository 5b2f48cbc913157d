"""The figures page in real headless Chromium: the vendored Chart.js draws every chart."""

from __future__ import annotations

import pytest

from tests.support.browser import screenshot_path
from tests.support.factories import PASSWORD, build_world
from tests.support.figures_seed import PERIOD, seed_figures

pytestmark = pytest.mark.browser

CANVASES = [
    "chart-per-day",
    "chart-turnaround",
    "chart-on-time",
    "chart-first-review",
    "chart-ikm-office",
    "chart-ikm-service",
    "chart-trips-service",
    "chart-trips-office",
]
# Size, the Chart instance bound to the canvas, and whether anything was painted on it.
CANVAS_STATE = """canvas => {
  const chart = window.Chart && window.Chart.getChart(canvas);
  const pixels = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
  let painted = false;
  for (let i = 3; i < pixels.length; i += 4) { if (pixels[i] !== 0) { painted = true; break; } }
  return {
    width: canvas.width, height: canvas.height, chart: Boolean(chart), painted: painted,
    series: chart ? chart.data.datasets.map(d => d.label) : [],
    labels: chart ? chart.data.labels.length : 0,
  };
}"""


async def test_an_operator_opens_the_figures_and_sees_the_charts(
    page, live_server: str, sessionmaker
) -> None:
    world = await build_world(sessionmaker)
    await seed_figures(sessionmaker, world)
    await page.set_viewport_size({"width": 1280, "height": 900})

    await page.goto(f"{live_server}/dashboard/")
    await page.fill("#username", "kec_a")
    await page.fill("#password", PASSWORD)
    await page.click("#login-form button[type=submit]")
    await page.locator("#nav-figures").click()
    await page.locator("#figures-filters").wait_for(timeout=10_000)

    await page.fill("#filter-from", PERIOD["from"])
    await page.fill("#filter-to", PERIOD["to"])
    await page.click("#figures-filters button[type=submit]")
    await page.wait_for_url("**/dashboard/figures?from=2026-11-01&to=2026-11-07**")
    await page.wait_for_load_state("load")

    states = {}
    for canvas_id in CANVASES:
        states[canvas_id] = await page.locator(f"#{canvas_id}").evaluate(CANVAS_STATE)
    for canvas_id, state in states.items():
        assert state["width"] > 0 and state["height"] > 0, canvas_id
        assert state["chart"] is True, canvas_id
        assert state["painted"] is True, canvas_id
    assert states["chart-per-day"]["series"] == ["KTP-el", "Kartu Keluarga (KK)"]
    assert states["chart-per-day"]["labels"] == 7
    assert states["chart-first-review"]["labels"] == 2
    # The same numbers are in the table under each chart.
    total = page.locator("#fig-per-day tfoot td").last
    assert await total.inner_text() == "7"
    await page.screenshot(path=screenshot_path("figures"), full_page=True)

    # How often residents came to the office: shares per service and office, 0/1/2 visits.
    visits = ["Tanpa datang ke kantor", "Sekali datang", "Dua kali datang"]
    assert states["chart-trips-service"]["series"] == visits
    assert states["chart-trips-office"]["labels"] == 2
    trips = page.locator("#figures-trips")
    assert await trips.locator("#fig-trips-service tbody tr").first.inner_text() == (
        "KTP-el\t4\t50,0% (2)\t25,0% (1)\t25,0% (1)"
    )
    await trips.screenshot(path=screenshot_path("figures-trips"))

    # On a phone the two tables stack and the page does not scroll sideways.
    await page.set_viewport_size({"width": 390, "height": 844})
    await page.reload()
    await page.wait_for_load_state("load")
    phone = await page.locator("#chart-trips-office").evaluate(CANVAS_STATE)
    assert phone["chart"] is True and phone["painted"] is True
    service_box = await page.locator("#fig-trips-service").bounding_box()
    office_box = await page.locator("#fig-trips-office").bounding_box()
    assert service_box is not None and office_box is not None
    assert office_box["y"] > service_box["y"] + service_box["height"]
    assert await page.evaluate("document.documentElement.scrollWidth") <= 390
    await trips.screenshot(path=screenshot_path("figures-trips-phone"))
