"""Stable pseudonyms for personal columns (`assess --redact`).

A pseudonym is a keyed hash (HMAC-SHA256) of the value, so the same name always gets the same
pseudonym under the same key — results can be joined across runs and shared without names —
while nobody without the key can test guesses against it (a plain hash of a name list can be
reversed by hashing every name in the staff list).
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets

KEY_ENV = "COACHMENTOR_REDACT_KEY"


class Redactor:
    def __init__(self, key: bytes | None = None) -> None:
        env = os.environ.get(KEY_ENV)
        if key is None and env:
            key = env.encode("utf-8")
        # Without a key, pseudonyms are stable within this run only.
        self.stable = key is not None
        self.key = key if key is not None else secrets.token_bytes(32)
        self._cache: dict[str, str] = {}

    def pseudonym(self, value: str) -> str:
        if not value.strip():
            return value
        hit = self._cache.get(value)
        if hit is None:
            digest = hmac.new(self.key, value.strip().casefold().encode("utf-8"), hashlib.sha256)
            hit = "anon-" + digest.hexdigest()[:12]
            if len(self._cache) < 100_000:
                self._cache[value] = hit
        return hit
