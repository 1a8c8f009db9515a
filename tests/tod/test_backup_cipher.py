"""The backup file's encryption: what comes out is what went in, and nothing else decrypts."""

import io

import pytest

from tod.backups import cipher
from tod.backups.cipher import DamagedBackup, NotABackup, WrongKey, decrypt_stream, encrypt_stream

KEY = "a-test-only-backup-passphrase"


@pytest.fixture
def small_chunks(monkeypatch):
    monkeypatch.setattr(cipher, "CHUNK_SIZE", 64)


def encrypted(data: bytes, key: str = KEY) -> bytes:
    target = io.BytesIO()
    encrypt_stream(io.BytesIO(data), target, key)
    return target.getvalue()


def decrypted(data: bytes, key: str = KEY) -> bytes:
    return b"".join(decrypt_stream(io.BytesIO(data), key))


def chunks(data: bytes) -> list[bytes]:
    """The file's chunk records after its header."""
    position = len(cipher.MAGIC) + cipher.SALT_SIZE + cipher.CHECK_SIZE
    records = []
    while position < len(data):
        length = int.from_bytes(data[position + 1 : position + 5], "big")
        records.append(data[position : position + 5 + length])
        position += 5 + length
    return records


def header(data: bytes) -> bytes:
    return data[: len(cipher.MAGIC) + cipher.SALT_SIZE + cipher.CHECK_SIZE]


@pytest.mark.parametrize("size", [0, 1, 63, 64, 65, 1000])
def test_what_is_encrypted_decrypts_to_the_same_bytes(small_chunks, size):
    data = bytes(range(256)) * 4
    assert decrypted(encrypted(data[:size])) == data[:size]


def test_the_file_shows_nothing_of_the_plaintext_and_differs_each_time():
    data = b"PGDMP Jens Hansen 22 33 44 55 " * 100
    first, second = encrypted(data), encrypted(data)
    assert b"Jens" not in first and b"PGDMP" not in first
    assert first != second  # a salt of its own: equal dumps give unrelated files


def test_a_wrong_key_is_named_as_such():
    with pytest.raises(WrongKey):
        decrypted(encrypted(b"data"), key="another-passphrase")


def test_a_file_that_is_not_a_backup_is_refused():
    with pytest.raises(NotABackup):
        decrypted(b"PGDMP\x01\x0e\x00 a plain pg_dump file")


def test_a_file_cut_short_is_refused(small_chunks):
    data = encrypted(b"x" * 300)
    for end in (len(data) - 1, len(header(data)) + 3, len(data) - len(chunks(data)[-1])):
        with pytest.raises(DamagedBackup):
            decrypted(data[:end])


def test_a_changed_dropped_or_moved_chunk_is_refused(small_chunks):
    data = encrypted(bytes(range(200)))
    records = chunks(data)
    flipped = bytearray(data)
    flipped[-3] ^= 1
    for damaged in (
        bytes(flipped),
        header(data) + b"".join(records[:1] + records[2:]),
        header(data) + b"".join([records[1], records[0], *records[2:]]),
        data + b"more",
    ):
        with pytest.raises(DamagedBackup):
            decrypted(damaged)


def test_a_chunk_from_another_file_is_refused(small_chunks):
    one, other = encrypted(b"a" * 100), encrypted(b"b" * 100)
    spliced = header(one) + chunks(one)[0] + chunks(other)[1]
    with pytest.raises(DamagedBackup):
        decrypted(spliced)
