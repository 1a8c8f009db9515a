"""The encrypted backup file: a stream of AES-256-GCM chunks under a key derived from a passphrase.

Layout (docs/adr/0010-backups.md):

    MAGIC | salt (16) | key check (32) | chunk*
    chunk = final flag (1) | length (4, big-endian) | ciphertext with its 16-byte tag

The key comes from the passphrase and the file's own salt through scrypt, so each file has its
own key and a counter is a safe nonce: chunk i's nonce is i (11 bytes) and the final flag (1 byte).
Every chunk is authenticated with the header as associated data, so a chunk that is changed,
moved, dropped, or taken from another file fails; a file cut short lacks its final chunk. The key
check (an HMAC of the header under a second derived key) tells a wrong passphrase from a damaged
file before any chunk is read. Chunks of 1 MiB keep memory flat whatever the database's size.
"""

from __future__ import annotations

import hashlib
import hmac
import os
from collections.abc import Iterator
from typing import IO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.utils.translation import gettext as _

MAGIC = b"ToD-backup-1\n"
SALT_SIZE = 16
CHECK_SIZE = 32
CHUNK_SIZE = 1 << 20
TAG_SIZE = 16
# scrypt at 32 MiB and about 0.1 s: cheap once per file, dear for guessing a weak passphrase.
SCRYPT = {"n": 2**15, "r": 8, "p": 1, "maxmem": 64 * 1024 * 1024}


class BackupFileError(Exception):
    """The file cannot be decrypted; the message says why."""


class NotABackup(BackupFileError):
    pass


class WrongKey(BackupFileError):
    pass


class DamagedBackup(BackupFileError):
    pass


def _keys(passphrase: str, salt: bytes) -> tuple[bytes, bytes]:
    material = hashlib.scrypt(passphrase.encode(), salt=salt, dklen=64, **SCRYPT)
    return material[:32], material[32:]


def _nonce(index: int, *, final: bool) -> bytes:
    return index.to_bytes(11, "big") + (b"\x01" if final else b"\x00")


def _check(check_key: bytes, header: bytes) -> bytes:
    return hmac.new(check_key, header, hashlib.sha256).digest()


def encrypt_stream(source: IO[bytes], target: IO[bytes], passphrase: str) -> None:
    """Write `source`, encrypted, to `target`; reads ahead one chunk to mark the last."""
    salt = os.urandom(SALT_SIZE)
    header = MAGIC + salt
    key, check_key = _keys(passphrase, salt)
    aead = AESGCM(key)
    target.write(header + _check(check_key, header))
    index = 0
    chunk = source.read(CHUNK_SIZE)
    while True:
        following = source.read(CHUNK_SIZE) if chunk else b""
        final = not following
        sealed = aead.encrypt(_nonce(index, final=final), chunk, header)
        target.write((b"\x01" if final else b"\x00") + len(sealed).to_bytes(4, "big") + sealed)
        if final:
            return
        chunk, index = following, index + 1


def _read_exactly(source: IO[bytes], size: int) -> bytes:
    data = source.read(size)
    if len(data) != size:
        raise DamagedBackup(_("the file ends too early: it was cut short (copied in part?)"))
    return data


def decrypt_stream(source: IO[bytes], passphrase: str) -> Iterator[bytes]:
    """Yield the plaintext chunk by chunk; raise BackupFileError as soon as anything is wrong.

    A caller that must not act on a damaged file reads the whole stream once before using it.
    """
    magic = source.read(len(MAGIC))
    if magic != MAGIC:
        raise NotABackup(_("this is not a ToD backup file"))
    salt = _read_exactly(source, SALT_SIZE)
    header = magic + salt
    key, check_key = _keys(passphrase, salt)
    if not hmac.compare_digest(_read_exactly(source, CHECK_SIZE), _check(check_key, header)):
        raise WrongKey(_("the key is not the one this backup was made with"))
    aead = AESGCM(key)
    index = 0
    while True:
        flag = source.read(1)
        if not flag:
            raise DamagedBackup(_("the file ends too early: it was cut short (copied in part?)"))
        final = flag == b"\x01"
        length = int.from_bytes(_read_exactly(source, 4), "big")
        if length < TAG_SIZE or length > CHUNK_SIZE + TAG_SIZE:
            raise DamagedBackup(_("chunk %(index)d is damaged") % {"index": index})
        try:
            plain = aead.decrypt(_nonce(index, final=final), _read_exactly(source, length), header)
        except InvalidTag:
            raise DamagedBackup(_("chunk %(index)d is damaged") % {"index": index}) from None
        yield plain
        if final:
            if source.read(1):
                raise DamagedBackup(_("the file goes on after its last chunk"))
            return
        index += 1
