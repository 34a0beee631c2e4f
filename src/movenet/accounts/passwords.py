"""Password hashing with scrypt (Python's own `hashlib.scrypt`, a memory-hard KDF: no extra
dependency) and random tokens.

Parameters: N=2**15, r=8, p=1 uses 32 MiB and about 0.1 s per hash on a 2-core VM: OWASP's
Password Storage Cheat Sheet lists scrypt with N=2**17 (128 MiB) as a minimum for servers with
memory to spare and N=2**15 within its equivalent alternatives when memory is shared; here the
login rate limit (serve/auth.py) bounds guesses further. The parameters are stored in each hash,
so raising them later still verifies old hashes.

Format: `scrypt$N$r$p$<salt, base64>$<key, base64>`.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

SCRYPT_N = 2**15
SCRYPT_R = 8
SCRYPT_P = 1
SALT_BYTES = 16
KEY_BYTES = 32
# hashlib's default maxmem (32 MiB) is just under what N=2**15, r=8 needs (128 * N * r bytes + a bit).
MAX_MEM = 64 * 1024 * 1024
# Tokens: 32 random bytes (256 bits) as URL-safe text. With that much entropy a fast hash
# (SHA-256) is enough to store them: nothing can be guessed from the digest.
TOKEN_BYTES = 32
MIN_PASSWORD_CHARS = 8


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def hash_password(password: str, *, n: int = SCRYPT_N, r: int = SCRYPT_R, p: int = SCRYPT_P) -> str:
    salt = secrets.token_bytes(SALT_BYTES)
    key = hashlib.scrypt(password.encode("utf-8"), salt=salt, n=n, r=r, p=p, maxmem=MAX_MEM, dklen=KEY_BYTES)
    return f"scrypt${n}${r}${p}${_b64(salt)}${_b64(key)}"


def verify_password(password: str, stored: str | None) -> bool:
    """Whether `password` matches `stored`; False for a missing or malformed hash (after the same
    work as a real check, so that timing does not tell whether an account exists)."""
    try:
        scheme, n, r, p, salt, key = (stored or "").split("$")
        if scheme != "scrypt":
            raise ValueError(scheme)
        n, r, p = int(n), int(r), int(p)
        salt_bytes, key_bytes = base64.b64decode(salt), base64.b64decode(key)
    except (ValueError, TypeError):
        hash_password(password)  # the same work as a real check
        return False
    got = hashlib.scrypt(password.encode("utf-8"), salt=salt_bytes, n=n, r=r, p=p, maxmem=MAX_MEM, dklen=len(key_bytes))
    return hmac.compare_digest(got, key_bytes)


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()
