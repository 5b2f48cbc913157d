"""`loket flows export` and `loket flows publish`: output, exit codes, one-line errors."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest

import app.cli_support
import app.whatsapp_flows.cli as flows_cli
from app.cli import main
from tests.fakes.graph import FakeGraphAPI
from tests.support.cli import loket
from tests.support.engine_data import DATA_DIR
from tests.support.environment import LIVE_SECRET_KEY
from tests.support.flow_vectors import PYWA_PASSPHRASE, PYWA_PRIVATE_KEY
from tests.support.flows_publishing import WABA_ID

LIVE = {
    "WHATSAPP_ACCESS_TOKEN": "test-access-token",
    "WHATSAPP_PHONE_NUMBER_ID": "106540352242922",
    "WHATSAPP_APP_SECRET": "test-app-secret",
    "WHATSAPP_VERIFY_TOKEN": "test-verify-token",
    "LOKET_SECRET_KEY": LIVE_SECRET_KEY,
    "WHATSAPP_API_BASE_URL": "http://graph.test",
}


def test_export_prints_every_service_keyed_by_code() -> None:
    result = loket("flows", "export")
    assert result.returncode == 0, result.stderr
    flows = json.loads(result.stdout)
    assert list(flows) == [
        "ktp",
        "kk",
        "akta_kelahiran",
        "akta_kematian",
        "kia",
        "pindah",
        "sipi_perpanjangan",
    ]
    assert {flow["version"] for flow in flows.values()} == {"7.3"}
    assert flows["ktp"]["screens"][0]["layout"]["children"][1]["label"] == "Jenis permohonan"


def test_export_one_service_in_english() -> None:
    result = loket("flows", "export", "kia", "--lang", "en")
    assert result.returncode == 0, result.stderr
    flow = json.loads(result.stdout)
    assert [screen["id"] for screen in flow["screens"]][:2] == ["VARIANT", "DATA"]
    assert flow["screens"][0]["layout"]["children"][1]["label"] == "Type of request"


def test_export_of_an_unknown_service_is_one_line() -> None:
    result = loket("flows", "export", "paspor")
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr.strip().splitlines() == [
        "loket: unknown service 'paspor' (the catalog has: ktp, kk, akta_kelahiran, "
        "akta_kematian, kia, pindah, sipi_perpanjangan)"
    ]


def test_a_chat_only_service_has_no_form(tmp_path: Path) -> None:
    text = (DATA_DIR / "broken" / "not_a_flow" / "surat.yaml").read_text("utf-8")
    (tmp_path / "surat.yaml").write_text(text + "flow: false\n", "utf-8")
    env = {"LOKET_CATALOG_DIR": str(tmp_path)}
    one = loket("flows", "export", "surat", env=env)
    assert one.returncode == 1
    assert one.stderr.strip().splitlines() == [
        "loket: service 'surat' is chat only (flow: false in its catalog file)"
    ]
    every = loket("flows", "export", env=env)
    assert (every.returncode, json.loads(every.stdout)) == (0, {})


def test_publish_refuses_sandbox_mode(tmp_path: Path) -> None:
    result = loket("flows", "publish", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        "loket: flows publish talks to Meta: it needs live mode (WHATSAPP_ACCESS_TOKEN and the "
        "other WHATSAPP_* values); sandbox mode never leaves this machine"
    ]


def test_publish_needs_the_business_account(tmp_path: Path) -> None:
    result = loket("flows", "publish", env=LIVE, cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        "loket: WHATSAPP_BUSINESS_ACCOUNT_ID is not set: Flows belong to the WhatsApp Business "
        "Account (WhatsApp Manager → Account tools)"
    ]


@pytest.fixture
def fake_meta(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[FakeGraphAPI]:
    """`loket flows publish` in this process, its Graph calls answered by the fake.

    The command's logging set-up is left out (it would point the process's loggers at this
    test's captured stderr), and the httpx logger's level is put back afterwards.
    """
    monkeypatch.setattr(app.cli_support, "configure_logging", lambda **_: None)
    httpx_logger = logging.getLogger("httpx")
    level = httpx_logger.level
    for name, value in {**LIVE, "WHATSAPP_BUSINESS_ACCOUNT_ID": WABA_ID}.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("LOKET_VAR_DIR", str(tmp_path / "var"))
    monkeypatch.setenv("LOKET_LOG_JSON", "false")
    monkeypatch.delenv("LOKET_CATALOG_DIR", raising=False)
    fake = FakeGraphAPI(token="test-access-token", waba_id=WABA_ID)
    monkeypatch.setattr(flows_cli, "_transport", fake.transport)
    yield fake
    httpx_logger.setLevel(level)


def test_publish_prints_each_flow_and_exits_0(
    fake_meta: FakeGraphAPI, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["flows", "publish", "kia"]) == 0
    out = capsys.readouterr().out.splitlines()
    ids = [fake_meta.flows.by_name(f"loket_kia_{lang}").id for lang in ("id", "en")]
    assert out == [
        f"kia id: created loket_kia_id (flow {ids[0]})",
        f"kia en: created loket_kia_en (flow {ids[1]})",
    ]


def test_publish_with_a_refused_flow_exits_1(
    fake_meta: FakeGraphAPI, capsys: pytest.CaptureFixture[str]
) -> None:
    fake_meta.flows.refuse_next_upload([{"error_type": "FLOW_JSON_ERROR", "message": "Bad."}])
    assert main(["flows", "publish", "kia", "--lang", "id"]) == 1
    captured = capsys.readouterr()
    assert captured.out.splitlines() == [
        "kia id: failed loket_kia_id",
        "  Meta refused the Flow JSON:",
        "  FLOW_JSON_ERROR: Bad.",
    ]
    assert captured.err.splitlines() == ["loket: 1 Flow(s) not published: kia id"]


def test_publish_with_the_data_endpoint_gives_meta_its_https_address(
    fake_meta: FakeGraphAPI, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("WHATSAPP_FLOWS_PRIVATE_KEY", PYWA_PRIVATE_KEY)
    monkeypatch.setenv("WHATSAPP_FLOWS_PRIVATE_KEY_PASSPHRASE", PYWA_PASSPHRASE)
    monkeypatch.setenv("LOKET_PUBLIC_BASE_URL", "https://loket.example.go.id")
    assert main(["flows", "publish", "kia", "--lang", "id"]) == 0
    flow = fake_meta.flows.by_name("loket_kia_id")
    assert capsys.readouterr().out.splitlines() == [
        f"kia id: created loket_kia_id (flow {flow.id})"
    ]
    assert flow.endpoint_uri == "https://loket.example.go.id/webhooks/whatsapp/flows"
    assert flow.flow_json is not None and '"data_api_version": "3.0"' in flow.flow_json


def test_publish_with_the_data_endpoint_on_the_default_http_base_url_exits_1(
    fake_meta: FakeGraphAPI, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("WHATSAPP_FLOWS_PRIVATE_KEY", PYWA_PRIVATE_KEY)
    monkeypatch.setenv("WHATSAPP_FLOWS_PRIVATE_KEY_PASSPHRASE", PYWA_PASSPHRASE)
    monkeypatch.delenv("LOKET_PUBLIC_BASE_URL", raising=False)
    assert main(["flows", "publish", "kia", "--lang", "id"]) == 1
    captured = capsys.readouterr()
    assert captured.out.splitlines() == [
        "kia id: failed loket_kia_id",
        "  the data endpoint http://localhost:8000/webhooks/whatsapp/flows is not an https URL, "
        "and Meta only calls https endpoints: set LOKET_PUBLIC_BASE_URL to this server's public "
        "https address",
    ]
    assert captured.err.splitlines() == ["loket: 1 Flow(s) not published: kia id"]
    assert fake_meta.requests == []


@pytest.mark.parametrize("command", [["flows"], ["flows", "export"], ["flows", "publish"]])
def test_flows_commands_have_help(command: list[str]) -> None:
    result = loket(*command, "--help")
    assert result.returncode == 0
    assert "usage: loket flows" in result.stdout
