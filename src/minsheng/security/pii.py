"""Personal data at rest: ID numbers encrypted (AES-256-GCM) and found through a keyed hash.

Ciphertext layout: one key-version byte, a 12-byte nonce, then the AES-GCM output. Rotation: add a
higher version to MINSHENG_PII_KEYS; old rows still decrypt, `rotate` re-encrypts them.
"""

from __future__ import annotations

import hashlib
import hmac
import os
from functools import cache

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from minsheng.config import get_settings

NONCE_BYTES = 12


@cache
def _keys() -> dict[int, AESGCM]:
    return {version: AESGCM(key) for version, key in get_settings().encryption_keys().items()}


@cache
def _index_key() -> bytes:
    return get_settings().index_key()


def current_key_version() -> int:
    return max(_keys())


def encrypt(plaintext: str) -> bytes:
    version = current_key_version()
    nonce = os.urandom(NONCE_BYTES)
    return bytes([version]) + nonce + _keys()[version].encrypt(nonce, plaintext.encode(), None)


def decrypt(ciphertext: bytes) -> str:
    version, nonce, body = ciphertext[0], ciphertext[1 : 1 + NONCE_BYTES], ciphertext[1 + NONCE_BYTES :]
    try:
        key = _keys()[version]
    except KeyError:
        raise ValueError(f"密钥版本 {version} 未配置 / key version {version} is not configured") from None
    return key.decrypt(nonce, body, None).decode()


def key_version_of(ciphertext: bytes) -> int:
    return ciphertext[0]


def blind_index(id_number: str) -> str:
    """The keyed hash by which a record is found without decrypting every row."""
    return hmac.new(_index_key(), id_number.strip().upper().encode(), hashlib.sha256).hexdigest()


def reset_caches() -> None:
    """After settings change (tests, key rotation)."""
    _keys.cache_clear()
    _index_key.cache_clear()
