"""`loket flows keygen [--out PATH] [--passphrase-stdin] [--force]`: the data endpoint's keys.

Makes a 2048-bit RSA key pair, writes the private key (PKCS#8 PEM, encrypted when a passphrase
is given on standard input) to PATH with owner-only permissions, and prints the public key on
standard output: upload it for the business number with
`POST /{PHONE_NUMBER_ID}/whatsapp_business_encryption` (reference whatsapp-flows.md §5.1).
What to set next goes to standard error, so `loket flows keygen > public.pem` keeps the key
alone in the file. An existing file is never overwritten without `--force`.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from app.flow_endpoint_keys import generate_key_pair

DEFAULT_FILE = "flows_private_key.pem"


def _fail(message: str) -> Exception:
    from app.cli_support import CommandError

    return CommandError(message)


def _default_path() -> Path:
    from app.cli_support import command_settings

    return command_settings().var_dir / DEFAULT_FILE


def _write_private(path: Path, pem: str, *, force: bool) -> None:
    """Write `pem` readable by its owner only; the mode is set at creation, never after."""
    path.parent.mkdir(parents=True, exist_ok=True)
    flags = os.O_WRONLY | os.O_CREAT | (os.O_TRUNC if force else os.O_EXCL)
    try:
        descriptor = os.open(path, flags, 0o600)
    except FileExistsError:
        raise _fail(f"{path} exists: keep it, or pass --force to replace it") from None
    with os.fdopen(descriptor, "w", encoding="ascii") as handle:
        handle.write(pem)
    os.chmod(path, 0o600)  # --force on a file made with wider permissions


def cmd_keygen(args: argparse.Namespace) -> None:
    passphrase: str | None = None
    if args.passphrase_stdin:
        passphrase = sys.stdin.readline().rstrip("\r\n")
        if not passphrase:
            raise _fail("--passphrase-stdin: the first line of standard input is empty")
    path = Path(args.out) if args.out else _default_path()
    pair = generate_key_pair(passphrase)
    _write_private(path, pair.private_pem, force=args.force)
    print(pair.public_pem, end="", flush=True)
    lines = [
        f"private key written to {path} (keep it secret; back it up)",
        f"set WHATSAPP_FLOWS_PRIVATE_KEY={path.resolve()}",
    ]
    if passphrase:
        lines.append("and WHATSAPP_FLOWS_PRIVATE_KEY_PASSPHRASE to the passphrase given")
    lines.append(
        "upload the public key above: POST /{PHONE_NUMBER_ID}/whatsapp_business_encryption "
        "with business_public_key=<the PEM>"
    )
    print("\n".join(lines), file=sys.stderr, flush=True)


def register_keygen(actions: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    keygen = actions.add_parser(
        "keygen",
        help="make the data endpoint's RSA key pair; print the public key to upload",
    )
    keygen.add_argument(
        "--out", help=f"where to write the private key (default: LOKET_VAR_DIR/{DEFAULT_FILE})"
    )
    keygen.add_argument(
        "--passphrase-stdin",
        action="store_true",
        help="encrypt the private key with the first line of standard input",
    )
    keygen.add_argument("--force", action="store_true", help="replace an existing file")
    keygen.set_defaults(func=cmd_keygen)
