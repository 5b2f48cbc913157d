"""Events keep Meta's limits and serialise to JSON; inputs round-trip through dicts."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import pytest

from app.flows.events import Button, Row, SendButtons, SendList, SendText, WaitUntil
from app.flows.inputs import (
    ChoiceInput,
    DocumentChecked,
    LocationInput,
    MediaInput,
    OperatorEvent,
    SubmissionAccepted,
    TextInput,
    TimeoutInput,
    UnsupportedInput,
    input_to_dict,
    parse_input,
)
from app.flows.turn import fit


def test_button_and_row_titles_over_the_limit_are_refused():
    with pytest.raises(ValueError, match="button title"):
        Button("a", "x" * 21)
    with pytest.raises(ValueError, match="row title"):
        Row("a", "x" * 25)
    with pytest.raises(ValueError, match="row description"):
        Row("a", "ok", "x" * 73)


def test_at_most_three_buttons_and_ten_rows():
    with pytest.raises(ValueError, match="1 to 3 buttons"):
        SendButtons("?", [Button(str(i), "b") for i in range(4)])
    with pytest.raises(ValueError, match="1 to 10 rows"):
        SendList("?", "Pilih", [Row(str(i), "r") for i in range(11)])
    with pytest.raises(ValueError, match="buttons body"):
        SendButtons("x" * 1025, [Button("a", "b")])


def test_fit_shortens_with_an_ellipsis():
    assert fit("Surat keterangan kehilangan dari kepolisian", 24) == "Surat keterangan kehila…"
    assert fit("KTP-el", 24) == "KTP-el"


def test_events_are_json_data_with_a_type():
    deadline = datetime(2026, 11, 22, 3, tzinfo=UTC)
    assert WaitUntil(deadline).to_dict() == {
        "deadline": "2026-11-22T03:00:00+00:00",
        "type": "wait_until",
    }
    event = SendButtons("Sudah benar?", [Button("yes", "Ya, kirim")], prompt="7")
    assert json.loads(json.dumps(event.to_dict())) == {
        "body": "Sudah benar?",
        "buttons": [{"id": "yes", "title": "Ya, kirim"}],
        "prompt": "7",
        "type": "send_buttons",
    }
    assert SendText("hi").to_dict() == {"text": "hi", "type": "send_text"}


@pytest.mark.parametrize(
    "item",
    [
        TextInput("halo"),
        ChoiceInput("yes", "Ya"),
        MediaInput("image", "m1", "image/jpeg", "abc", "kk", None, "g1"),
        LocationInput(-5.1, 120.2, "Rumah", "Jl. Contoh"),
        UnsupportedInput("reaction"),
        TimeoutInput(),
        DocumentChecked("kk", "d1", False, "blurred", 2),
        SubmissionAccepted("KTP-261122-0001", date(2026, 11, 26)),
        OperatorEvent("correction_needed", ["kk"], ["nik"], "Buram", "KTP-1", "ktp"),
    ],
)
def test_inputs_round_trip(item):
    data = input_to_dict(item)
    assert parse_input(json.loads(json.dumps(data))) == item


def test_unknown_input_type_is_refused():
    with pytest.raises(ValueError, match="unknown input type 'poll'"):
        parse_input({"type": "poll"})
