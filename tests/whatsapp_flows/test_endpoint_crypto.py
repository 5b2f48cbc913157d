"""The data endpoint's envelope: the published test vectors, then tampering of every part."""

from __future__ import annotations

import base64
import json

import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from app.bot.signature import SignatureResult, sign, verify_signature
from app.flow_endpoint_keys import load_private_key
from app.whatsapp_flows.endpoint_crypto import (
    DecryptionFailed,
    decrypt_request,
    encrypt_request,
    encrypt_response,
    flip_iv,
)
from tests.support.flow_vectors import (
    PYWA_AES_KEY_B64,
    PYWA_ANSWER,
    PYWA_APP_SECRET,
    PYWA_ENCRYPTED_ANSWER,
    PYWA_FLIPPED_IV_B64,
    PYWA_PASSPHRASE,
    PYWA_PLAINTEXT,
    PYWA_PRIVATE_KEY,
    PYWA_REQUEST,
    PYWA_SIGNATURE,
    PYWA_SIGNED_BODY,
)


@pytest.fixture(scope="module")
def pywa_key() -> rsa.RSAPrivateKey:
    return load_private_key(PYWA_PRIVATE_KEY.encode(), PYWA_PASSPHRASE)


@pytest.fixture(scope="module")
def other_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _flip(text: str, position: int) -> str:
    raw = bytearray(base64.b64decode(text))
    raw[position] ^= 0x01
    return base64.b64encode(bytes(raw)).decode()


def test_the_published_request_decrypts_to_its_published_plaintext(
    pywa_key: rsa.RSAPrivateKey,
) -> None:
    request = decrypt_request(pywa_key, PYWA_REQUEST)
    assert request.payload == PYWA_PLAINTEXT
    assert base64.b64encode(request.aes_key).decode() == PYWA_AES_KEY_B64
    assert base64.b64encode(flip_iv(request.iv)).decode() == PYWA_FLIPPED_IV_B64


def test_the_published_answer_encrypts_to_the_published_body(
    pywa_key: rsa.RSAPrivateKey,
) -> None:
    request = decrypt_request(pywa_key, PYWA_REQUEST)
    assert request.encrypt_answer(PYWA_ANSWER) == PYWA_ENCRYPTED_ANSWER
    raw = base64.b64decode(PYWA_AES_KEY_B64)
    iv = base64.b64decode(PYWA_REQUEST["initial_vector"])
    assert encrypt_response(PYWA_ANSWER, raw, iv) == PYWA_ENCRYPTED_ANSWER


def test_the_published_signature_verifies_and_a_changed_body_does_not() -> None:
    secret = PYWA_APP_SECRET.encode()
    assert verify_signature(secret, PYWA_SIGNED_BODY, PYWA_SIGNATURE) is SignatureResult.VALID
    assert sign(secret, PYWA_SIGNED_BODY) == PYWA_SIGNATURE
    changed = PYWA_SIGNED_BODY.replace(b"PyWa Tests", b"PyWa Tesst")
    assert verify_signature(secret, changed, PYWA_SIGNATURE) is SignatureResult.INVALID
    assert verify_signature(b"another secret", PYWA_SIGNED_BODY, PYWA_SIGNATURE) is (
        SignatureResult.INVALID
    )


@pytest.mark.parametrize("position", [0, 40, -17, -1])  # body, body, first tag byte, last tag byte
def test_a_flipped_bit_in_the_ciphertext_or_tag_is_refused(
    pywa_key: rsa.RSAPrivateKey, position: int
) -> None:
    tampered = {**PYWA_REQUEST}
    tampered["encrypted_flow_data"] = _flip(PYWA_REQUEST["encrypted_flow_data"], position)
    with pytest.raises(DecryptionFailed, match="authentication tag"):
        decrypt_request(pywa_key, tampered)


def test_a_changed_iv_is_refused(pywa_key: rsa.RSAPrivateKey) -> None:
    tampered = {**PYWA_REQUEST, "initial_vector": _flip(PYWA_REQUEST["initial_vector"], 3)}
    with pytest.raises(DecryptionFailed, match="authentication tag"):
        decrypt_request(pywa_key, tampered)


def test_a_changed_wrapped_key_is_refused(pywa_key: rsa.RSAPrivateKey) -> None:
    tampered = {**PYWA_REQUEST, "encrypted_aes_key": _flip(PYWA_REQUEST["encrypted_aes_key"], 9)}
    with pytest.raises(DecryptionFailed, match="not encrypted for this private key"):
        decrypt_request(pywa_key, tampered)


def test_a_request_for_another_key_is_refused(other_key: rsa.RSAPrivateKey) -> None:
    with pytest.raises(DecryptionFailed, match="not encrypted for this private key"):
        decrypt_request(other_key, PYWA_REQUEST)


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"initial_vector": None}, "initial_vector is missing"),
        ({"encrypted_flow_data": "not base64!"}, "encrypted_flow_data is not base64"),
        ({"initial_vector": base64.b64encode(b"twelve bytes").decode()}, "has 12 bytes"),
    ],
)
def test_a_malformed_envelope_is_refused_with_its_reason(
    pywa_key: rsa.RSAPrivateKey, change: dict[str, object], reason: str
) -> None:
    with pytest.raises(DecryptionFailed, match=reason):
        decrypt_request(pywa_key, {**PYWA_REQUEST, **change})


def test_a_client_request_round_trips_and_its_answer_reads_back(
    other_key: rsa.RSAPrivateKey,
) -> None:
    payload = {"version": "3.0", "action": "ping"}
    client = encrypt_request(other_key.public_key(), payload)
    server = decrypt_request(other_key, json.loads(client.body()))
    assert server.payload == payload
    assert server.aes_key == client.aes_key
    answer = server.encrypt_answer({"data": {"status": "active"}})
    assert client.decrypt_answer(answer) == {"data": {"status": "active"}}
    # The answer is sealed under the flipped IV: read with the request's own IV it fails.
    with pytest.raises(DecryptionFailed):
        type(client)(client.envelope, client.aes_key, flip_iv(client.iv)).decrypt_answer(answer)


def test_flipping_the_iv_inverts_every_bit() -> None:
    assert flip_iv(bytes([0x00, 0xFF, 0x0F, 0xA5])) == bytes([0xFF, 0x00, 0xF0, 0x5A])
