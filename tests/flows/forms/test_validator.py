"""Meta's static rules: a minimal valid Flow passes, and each rule is caught by a minimal Flow
that breaks only it (the rule id in the issue says which)."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest

from app.flows.forms import validate_flow

Flow = dict[str, Any]


def valid() -> Flow:
    """Two screens: a NIK and a photo, then a terminal screen that completes with both."""
    return {
        "version": "7.3",
        "screens": [
            {
                "id": "FIRST",
                "title": "KTP-el",
                "data": {"nik": {"type": "string", "__example__": "7307011708900001"}},
                "layout": {
                    "type": "SingleColumnLayout",
                    "children": [
                        {
                            "type": "TextInput",
                            "name": "nik",
                            "label": "NIK",
                            "input-type": "text",
                            "pattern": "^[0-9]{16}$",
                            "helper-text": "16 angka",
                            "init-value": "${data.nik}",
                        },
                        {
                            "type": "PhotoPicker",
                            "name": "doc_kk",
                            "label": "Kartu Keluarga",
                            "min-uploaded-photos": 1,
                            "max-uploaded-photos": 1,
                        },
                        {
                            "type": "Footer",
                            "label": "Lanjut",
                            "on-click-action": {
                                "name": "navigate",
                                "next": {"type": "screen", "name": "LAST"},
                                "payload": {},
                            },
                        },
                    ],
                },
            },
            {
                "id": "LAST",
                "title": "Periksa dan kirim",
                "terminal": True,
                "layout": {
                    "type": "SingleColumnLayout",
                    "children": [
                        {"type": "TextBody", "text": "`'NIK: ' ${screen.FIRST.form.nik}`"},
                        {
                            "type": "Footer",
                            "label": "Kirim",
                            "on-click-action": {
                                "name": "complete",
                                "payload": {
                                    "nik": "${screen.FIRST.form.nik}",
                                    "doc_kk": "${screen.FIRST.form.doc_kk}",
                                },
                            },
                        },
                    ],
                },
            },
        ],
    }


def first(flow: Flow) -> list[dict[str, Any]]:
    children: list[dict[str, Any]] = flow["screens"][0]["layout"]["children"]
    return children


def last(flow: Flow) -> list[dict[str, Any]]:
    children: list[dict[str, Any]] = flow["screens"][1]["layout"]["children"]
    return children


def rules(flow: Flow) -> list[tuple[str, str]]:
    return [(issue.rule, issue.path) for issue in validate_flow(flow)]


def test_the_minimal_flow_is_valid() -> None:
    assert validate_flow(valid()) == []


def _picker_max(flow: Flow) -> None:
    first(flow)[1]["max-uploaded-photos"] = 3


def _eleven_pickers(flow: Flow) -> None:
    payload = last(flow)[1]["on-click-action"]["payload"]
    for number in range(10):
        payload[f"doc_{number}"] = "${screen.FIRST.form.doc_kk}"


def _two_pickers(flow: Flow) -> None:
    first(flow).insert(2, {"type": "PhotoPicker", "name": "doc_two", "label": "Lagi"})


def _both_kinds(flow: Flow) -> None:
    first(flow).insert(2, {"type": "DocumentPicker", "name": "doc_pdf", "label": "PDF"})


def _fifty_one(flow: Flow) -> None:
    for number in range(49):
        first(flow).insert(0, {"type": "TextBody", "text": f"Baris {number}"})


def _footer_in_one_branch(flow: Flow) -> None:
    footer = first(flow).pop()
    first(flow).append({"type": "If", "condition": "${form.nik} == '1'", "then": [footer]})


def _navigate_payload(flow: Flow) -> None:
    first(flow)[2]["on-click-action"]["payload"] = {"nik": "${form.nik}"}


def _picker_in_navigate(flow: Flow) -> None:
    flow["screens"][1]["data"] = {"photo": {"type": "array", "__example__": []}}
    first(flow)[2]["on-click-action"]["payload"] = {"photo": "${form.doc_kk}"}


def _picker_nested(flow: Flow) -> None:
    payload = last(flow)[1]["on-click-action"]["payload"]
    payload["doc_kk"] = {"files": "${screen.FIRST.form.doc_kk}"}


def _unknown_form_binding(flow: Flow) -> None:
    last(flow)[0]["text"] = "`'NIK: ' ${screen.FIRST.form.nomor}`"


def _unknown_data_binding(flow: Flow) -> None:
    first(flow)[0]["init-value"] = "${data.nama}"


def _mixed_binding(flow: Flow) -> None:
    last(flow)[0]["text"] = "NIK: ${screen.FIRST.form.nik}"


def _complete_not_terminal(flow: Flow) -> None:
    first(flow)[2]["on-click-action"] = {"name": "complete", "payload": {}}
    flow["screens"][1]["terminal"] = False


def _terminal_without_footer(flow: Flow) -> None:
    last(flow).pop()


def _second_footer(flow: Flow) -> None:
    last(flow).append(copy.deepcopy(last(flow)[1]))


def _pattern_without_helper(flow: Flow) -> None:
    del first(flow)[0]["helper-text"]


def _nested_example(flow: Flow) -> None:
    flow["screens"][0]["data"]["nik"]["items"] = {"type": "string", "__example__": "x"}


def _missing_example(flow: Flow) -> None:
    del flow["screens"][0]["data"]["nik"]["__example__"]


def _empty_string(flow: Flow) -> None:
    last(flow)[0]["text"] = "  "


def _label_too_long(flow: Flow) -> None:
    first(flow)[0]["label"] = "Nomor Induk Kependudukan"


def _title_too_long(flow: Flow) -> None:
    flow["screens"][0]["title"] = "Kartu Tanda Penduduk Elektronik"


def _success_id(flow: Flow) -> None:
    flow["screens"][1]["id"] = "SUCCESS"
    first(flow)[2]["on-click-action"]["next"]["name"] = "SUCCESS"


def _duplicate_id(flow: Flow) -> None:
    flow["screens"][1]["id"] = "FIRST"


def _digit_in_id(flow: Flow) -> None:
    flow["screens"][1]["id"] = "LAST2"
    first(flow)[2]["on-click-action"]["next"]["name"] = "LAST2"


def _old_version(flow: Flow) -> None:
    flow["version"] = "5.0"


def _picker_in_if(flow: Flow) -> None:
    picker = first(flow).pop(1)
    first(flow).insert(1, {"type": "If", "condition": "${form.nik} == '1'", "then": [picker]})


def _unreachable(flow: Flow) -> None:
    extra = copy.deepcopy(flow["screens"][1])
    extra["id"] = "LOST"
    flow["screens"].append(extra)


def _too_many_options(flow: Flow) -> None:
    options = [{"id": f"o{n}", "title": f"Pilihan {n}"} for n in range(21)]
    first(flow).insert(
        0, {"type": "RadioButtonsGroup", "name": "r", "label": "Pilih", "data-source": options}
    )


def _file_size(flow: Flow) -> None:
    first(flow)[1]["max-file-size-kb"] = 30000


def _navigate_from_terminal(flow: Flow) -> None:
    last(flow)[1]["on-click-action"] = {
        "name": "navigate",
        "next": {"type": "screen", "name": "FIRST"},
        "payload": {},
    }


def _sensitive_unknown(flow: Flow) -> None:
    flow["screens"][0]["sensitive"] = ["nama"]


def _duplicate_name(flow: Flow) -> None:
    first(flow).insert(1, {"type": "TextInput", "name": "nik", "label": "NIK lagi"})


BREAKS: list[tuple[str, Callable[[Flow], None], tuple[str, str]]] = [
    ("version", _old_version, ("version", "version")),
    ("reserved screen id", _success_id, ("reserved-screen", "screens[1].id")),
    ("duplicate screen id", _duplicate_id, ("duplicate-screen", "screens[1].id")),
    ("screen id characters", _digit_in_id, ("screen-id", "screens[1].id")),
    ("unknown input", _unknown_form_binding, ("binding", "screens[1].layout.children[0].text")),
    (
        "unknown data",
        _unknown_data_binding,
        ("binding", "screens[0].layout.children[0].init-value"),
    ),
    ("mixed binding", _mixed_binding, ("binding", "screens[1].layout.children[0].text")),
    (
        "navigate payload",
        _navigate_payload,
        ("navigate-payload", "screens[0].layout.children[2].on-click-action.payload"),
    ),
    (
        "picker in navigate",
        _picker_in_navigate,
        ("navigate-picker", "screens[0].layout.children[2].on-click-action.payload"),
    ),
    (
        "terminal without footer",
        _terminal_without_footer,
        ("terminal", "screens[1].layout.children"),
    ),
    (
        "complete off terminal",
        _complete_not_terminal,
        ("complete", "screens[0].layout.children[2].on-click-action"),
    ),
    (
        "navigate from terminal",
        _navigate_from_terminal,
        ("navigate", "screens[1].layout.children[1].on-click-action"),
    ),
    ("51 components", _fifty_one, ("component-count", "screens[0].layout.children")),
    ("two footers", _second_footer, ("footer", "screens[1].layout.children")),
    ("footer in one branch", _footer_in_one_branch, ("footer", "screens[0].layout.children[2]")),
    ("two pickers", _two_pickers, ("picker-count", "screens[0].layout.children")),
    ("both picker kinds", _both_kinds, ("picker-count", "screens[0].layout.children")),
    ("picker in If", _picker_in_if, ("conditional-child", "screens[0].layout.children[1].then[0]")),
    (
        "picker nested in payload",
        _picker_nested,
        ("picker-nested", "screens[1].layout.children[1].on-click-action.payload.doc_kk"),
    ),
    (
        "picker max in complete",
        _picker_max,
        ("complete-picker-max", "screens[1].layout.children[1].on-click-action.payload.doc_kk"),
    ),
    (
        "pickers per completion",
        _eleven_pickers,
        ("completion-pickers", "screens[1].layout.children[1].on-click-action.payload"),
    ),
    ("label length", _label_too_long, ("text-length", "screens[0].layout.children[0].label")),
    ("title length", _title_too_long, ("text-length", "screens[0].title")),
    ("empty string", _empty_string, ("empty-string", "$.screens[1].layout.children[0].text")),
    (
        "pattern without helper",
        _pattern_without_helper,
        ("pattern", "screens[0].layout.children[0].pattern"),
    ),
    ("__example__ nested", _nested_example, ("example", "screens[0].data.nik.items")),
    ("__example__ missing", _missing_example, ("example", "screens[0].data.nik")),
    ("options", _too_many_options, ("options", "screens[0].layout.children[0].data-source")),
    ("file size", _file_size, ("picker-range", "screens[0].layout.children[1].max-file-size-kb")),
    ("unreachable", _unreachable, ("unreachable", "screens[2].id")),
    ("sensitive", _sensitive_unknown, ("sensitive", "screens[0].sensitive")),
    ("duplicate name", _duplicate_name, ("duplicate-name", "screens[0].layout.children[1].name")),
]


@pytest.mark.parametrize(("rule", "break_it", "expected"), BREAKS, ids=[b[0] for b in BREAKS])
def test_each_rule_is_caught(
    rule: str, break_it: Callable[[Flow], None], expected: tuple[str, str]
) -> None:
    flow = valid()
    break_it(flow)
    assert expected in rules(flow), rules(flow)


def test_issues_read_as_path_and_reason() -> None:
    flow = valid()
    _label_too_long(flow)
    (issue,) = validate_flow(flow)
    assert str(issue) == (
        "screens[0].layout.children[0].label: TextInput label 'Nomor Induk Kependudukan' has 24 "
        "characters; at most 20"
    )


def test_a_picker_referenced_once_per_completion_counts_once() -> None:
    """Ten pickers are allowed in one completion; the eleventh is the problem."""
    flow = valid()
    payload = last(flow)[1]["on-click-action"]["payload"]
    for number in range(9):
        payload[f"doc_{number}"] = "${screen.FIRST.form.doc_kk}"
    assert rules(flow) == []
