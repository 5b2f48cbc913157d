"""The Flows private key in the settings, and `loket flows keygen`."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from app.config import ConfigError, load_settings
from app.flow_endpoint_keys import FlowKeyError, generate_key_pair, public_key_pem
from tests.support.cli import loket
from tests.support.flow_vectors import PYWA_PASSPHRASE, PYWA_PRIVATE_KEY

BROKEN_PEM = "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----"


def _settings(tmp_path: Path, **values: str):  # type: ignore[no-untyped-def]
    return load_settings(LOKET_VAR_DIR=tmp_path, LOKET_LOG_JSON=False, **values)


def test_an_encrypted_key_given_as_pem_text_loads_with_its_passphrase(tmp_path: Path) -> None:
    settings = _settings(
        tmp_path,
        WHATSAPP_FLOWS_PRIVATE_KEY=PYWA_PRIVATE_KEY,
        WHATSAPP_FLOWS_PRIVATE_KEY_PASSPHRASE=PYWA_PASSPHRASE,
    )
    key = settings.flows_private_key
    assert isinstance(key, rsa.RSAPrivateKey) and key.key_size == 2048


def test_a_key_given_as_a_path_loads(tmp_path: Path) -> None:
    pair = generate_key_pair()
    path = tmp_path / "flows.pem"
    path.write_text(pair.private_pem)
    key = _settings(tmp_path, WHATSAPP_FLOWS_PRIVATE_KEY=str(path)).flows_private_key
    assert key is not None and public_key_pem(key) == pair.public_pem


def test_without_a_key_there_is_none(tmp_path: Path) -> None:
    assert _settings(tmp_path).flows_private_key is None


@pytest.mark.parametrize(
    ("values", "reason"),
    [
        (
            {"WHATSAPP_FLOWS_PRIVATE_KEY": PYWA_PRIVATE_KEY},
            "WHATSAPP_FLOWS_PRIVATE_KEY is encrypted: set WHATSAPP_FLOWS_PRIVATE_KEY_PASSPHRASE",
        ),
        (
            {
                "WHATSAPP_FLOWS_PRIVATE_KEY": PYWA_PRIVATE_KEY,
                "WHATSAPP_FLOWS_PRIVATE_KEY_PASSPHRASE": "not-pywa",
            },
            "wrong WHATSAPP_FLOWS_PRIVATE_KEY_PASSPHRASE",
        ),
        (
            {"WHATSAPP_FLOWS_PRIVATE_KEY": BROKEN_PEM},
            "WHATSAPP_FLOWS_PRIVATE_KEY is not a PEM private key",
        ),
        (
            {"WHATSAPP_FLOWS_PRIVATE_KEY": "/nowhere/flows.pem"},
            "neither PEM text",
        ),
        (
            {"WHATSAPP_FLOWS_PRIVATE_KEY_PASSPHRASE": "x"},
            "PASSPHRASE is set without WHATSAPP_FLOWS_PRIVATE_KEY",
        ),
    ],
)
def test_a_key_that_cannot_be_used_stops_the_settings(
    tmp_path: Path, values: dict[str, str], reason: str
) -> None:
    with pytest.raises(ConfigError, match=reason):
        _settings(tmp_path, **values)


def test_a_short_or_non_rsa_key_is_refused(tmp_path: Path) -> None:
    short = rsa.generate_private_key(public_exponent=65537, key_size=1024)
    pem = short.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    with pytest.raises(ConfigError, match="is a 1024-bit RSA key: use at least 2048 bits"):
        _settings(tmp_path, WHATSAPP_FLOWS_PRIVATE_KEY=pem)
    with pytest.raises(FlowKeyError, match="at least 2048 bits"):
        generate_key_pair(bits=1024)


def test_live_mode_refuses_to_start_on_a_malformed_key(tmp_path: Path) -> None:
    result = loket(
        "serve",
        env={
            "LOKET_VAR_DIR": str(tmp_path),
            "WHATSAPP_ACCESS_TOKEN": "t",
            "WHATSAPP_PHONE_NUMBER_ID": "1",
            "WHATSAPP_APP_SECRET": "s",
            "WHATSAPP_VERIFY_TOKEN": "v",
            "LOKET_SECRET_KEY": "test-secret-key-of-thirty-two-bytes-or-more",
            "WHATSAPP_FLOWS_PRIVATE_KEY": PYWA_PRIVATE_KEY,
            "WHATSAPP_FLOWS_PRIVATE_KEY_PASSPHRASE": "wrong",
        },
    )
    assert result.returncode != 0
    assert "wrong WHATSAPP_FLOWS_PRIVATE_KEY_PASSPHRASE" in result.stderr
    assert result.stderr.count("\n") <= 2, result.stderr


def test_keygen_writes_a_private_key_only_its_owner_reads_and_prints_its_public_key(
    tmp_path: Path,
) -> None:
    path = tmp_path / "keys" / "flows.pem"
    result = loket("flows", "keygen", "--out", str(path))
    assert result.returncode == 0, result.stderr
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    key = _settings(tmp_path, WHATSAPP_FLOWS_PRIVATE_KEY=str(path)).flows_private_key
    assert key is not None
    assert result.stdout == public_key_pem(key)
    assert f"set WHATSAPP_FLOWS_PRIVATE_KEY={path}" in result.stderr
    again = loket("flows", "keygen", "--out", str(path))
    assert again.returncode == 1
    assert again.stderr.strip() == f"loket: {path} exists: keep it, or pass --force to replace it"
    assert again.stdout == ""


def test_keygen_with_a_passphrase_writes_an_encrypted_key(tmp_path: Path) -> None:
    path = tmp_path / "flows.pem"
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "app.cli",
            "flows",
            "keygen",
            "--out",
            str(path),
            "--passphrase-stdin",
        ],
        input="kata sandi rahasia\n",
        capture_output=True,
        text=True,
        timeout=60,
        env={k: v for k, v in os.environ.items() if not k.startswith(("WHATSAPP_", "LOKET_"))},
    )
    assert result.returncode == 0, result.stderr
    assert path.read_text().startswith("-----BEGIN ENCRYPTED PRIVATE KEY-----")
    with pytest.raises(ConfigError, match="is encrypted"):
        _settings(tmp_path, WHATSAPP_FLOWS_PRIVATE_KEY=str(path))
    key = _settings(
        tmp_path,
        WHATSAPP_FLOWS_PRIVATE_KEY=str(path),
        WHATSAPP_FLOWS_PRIVATE_KEY_PASSPHRASE="kata sandi rahasia",
    ).flows_private_key
    assert key is not None and result.stdout == public_key_pem(key)


def test_keygen_defaults_to_the_var_dir(tmp_path: Path) -> None:
    result = loket("flows", "keygen", env={"LOKET_VAR_DIR": str(tmp_path)})
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "flows_private_key.pem").read_text().startswith("-----BEGIN PRIVATE KEY")
