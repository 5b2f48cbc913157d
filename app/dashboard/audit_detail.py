"""An audit row's details as an admin reads them: named items, never raw JSON.

Each action stores a small JSON object (`app.audit.service.record`); this module names each of
its keys and puts each value in words with the `Presenter` (an operator's display name, a
service's name, an office's name, yes/no). A key nobody named yet is shown as `key: value`.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from app.dashboard.presenter import Presenter
from app.dashboard.texts import MESSAGES

Item = tuple[str, str]
# Keys of the export's filters, by the page's name for them.
FILTER_LABELS = {
    "status": "filter_status",
    "service": "filter_service",
    "office": "filter_office",
    "q": "search",
    "from": "detail_filter_from",
    "to": "detail_filter_to",
}


def _known(p: Presenter, prefix: str, value: Any) -> str:
    key = f"{prefix}{value}"
    return p.t(key) if key in MESSAGES else str(value)


def _yes_no(p: Presenter, value: Any) -> str:
    return p.t("detail_yes" if value else "detail_no")


def _filters(p: Presenter, value: Any) -> str:
    if not isinstance(value, Mapping):
        return str(value)
    parts = []
    for key, chosen in value.items():
        label = p.t(FILTER_LABELS[key]) if key in FILTER_LABELS else str(key)
        if key == "status":
            chosen = ", ".join(p.status(s) for s in str(chosen).split(","))
        elif key == "service":
            chosen = p.service(str(chosen))
        parts.append(f"{label}: {chosen}")
    return "; ".join(parts)


def _since(p: Presenter, value: Any) -> str:
    try:
        return p.moment(datetime.fromisoformat(str(value)))
    except ValueError:
        return str(value)


def _renderers(offices: Mapping[int, str]) -> dict[str, Callable[[Presenter, Any], str]]:
    def office(p: Presenter, value: Any) -> str:
        return offices.get(value, str(value)) if isinstance(value, int) else str(value)

    return {
        "assignee": lambda p, v: p.operator(v) if v else p.t("unassigned"),
        "throttled": _yes_no,
        "new_resident": _yes_no,
        "cut": _yes_no,
        "service": lambda p, v: p.service(str(v)),
        "precheck_office_id": office,
        "office_id": office,
        "resident_id": lambda p, v: f"#{v}",
        "filters": _filters,
        "since": _since,
        "until": _since,
        "reason": lambda p, v: _known(p, "support_reason_", v),
        "role": lambda p, v: _known(p, "detail_role_", v),
        "by": lambda p, v: _known(p, "detail_by_", v),
        "result": lambda p, v: _known(p, "detail_result_", v),
    }


def detail_items(
    detail: Mapping[str, Any] | None, p: Presenter, offices: Mapping[int, str]
) -> list[Item]:
    """(label, value) for each key of `detail`, in the order it was recorded."""
    renderers = _renderers(offices)
    items: list[Item] = []
    for key, value in (detail or {}).items():
        if value is None or value == "":
            continue
        label_key = f"detail_{key}"
        label = p.t(label_key) if label_key in MESSAGES else key
        render = renderers.get(key)
        if render is not None:
            text = render(p, value)
        elif isinstance(value, dict | list):
            text = json.dumps(value, ensure_ascii=False, sort_keys=True)
        else:
            text = str(value)
        items.append((label, text))
    return items
