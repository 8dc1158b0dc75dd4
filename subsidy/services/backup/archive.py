"""The encrypted backup file: its key, its envelope (AES-256-GCM in chunks) and its contents.

A backup file holds every CCCD and phone of the commune, so it is never written in the clear. It
is encrypted with a 256-bit key kept in a file of its own (BACKUP_KEY_FILE, default
``instance/backup.key``), created on the first backup and meant to be copied somewhere else (not
beside the backups): whoever holds a backup without the key reads nothing, and a lost key makes
every backup unreadable.

The envelope, streamed in 1 MiB chunks so memory stays bounded whatever the database's size::

    header  = MAGIC (8 bytes) | key id (8: the first bytes of SHA-256 of the key) | nonce prefix (8)
    chunk i = length (4, big-endian) | AES-GCM(key, nonce = prefix | i (4 bytes),
                                               data = header | i | last flag)

The last chunk carries the flag, so a file cut short (no last chunk) and a file with a chunk
altered, moved or dropped are both refused; the key id tells a wrong key apart from a corrupted file.
Inside is a zip: ``manifest.json`` (see :mod:`.service`), the database dump and ``secret_key``.
Uses the ``cryptography`` library (AESGCM), never a cipher of our own.
"""
from __future__ import annotations

import base64
import hashlib
import os
import secrets
import struct
from pathlib import Path
from typing import BinaryIO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from subsidy.services.errors import ServiceError

MAGIC = b"VTCIBAK1"
CHUNK = 1024 * 1024
_HEADER_LEN = len(MAGIC) + 8 + 8
#: What a backup file is called (the name says what it is to whoever finds it on a disk).
SUFFIX = ".vtcibak"


class BackupError(ServiceError):
    """A backup could not be made or restored; the message says why and what to do (Vietnamese)."""


def _key_id(key: bytes) -> bytes:
    return hashlib.sha256(b"vtci-backup-key-id" + key).digest()[:8]


def load_key(path: Path) -> bytes:
    """The 32-byte key in ``path`` (base64 text, one line).

    Raises BackupError: no file there, or not a key (wrong size or not base64)."""
    try:
        text = path.read_text(encoding="ascii").strip()
    except FileNotFoundError as err:
        raise BackupError(
            f"không có khóa sao lưu tại {path}. Hãy chép tệp khóa đã cất riêng vào đó "
            "(hoặc đặt BACKUP_KEY_FILE chỉ tới nó); thiếu khóa thì không mở được bản sao lưu.") from err
    except (OSError, UnicodeDecodeError) as err:
        raise BackupError(f"không đọc được khóa sao lưu {path}: {err}") from err
    try:
        key = base64.urlsafe_b64decode(text)
    except ValueError:
        key = b""
    if len(key) != 32:
        raise BackupError(f"tệp {path} không phải khóa sao lưu (cần 32 byte, dạng base64).")
    return key


def create_key(path: Path) -> bytes:
    """A new random key written to ``path`` (mode 0600, parent folders created); returns it.
    Raises BackupError when ``path`` already exists (a key is never overwritten)."""
    key = secrets.token_bytes(32)
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError as err:
        raise BackupError(f"đã có tệp {path}; không ghi đè khóa sao lưu.") from err
    with os.fdopen(fd, "w", encoding="ascii") as fh:
        fh.write(base64.urlsafe_b64encode(key).decode("ascii") + "\n")
    return key


def _aad(header: bytes, index: int, last: bool) -> bytes:
    return header + struct.pack(">I?", index, last)


def encrypt_stream(key: bytes, src: BinaryIO, dst: BinaryIO) -> None:
    """Encrypt everything ``src`` yields into ``dst`` (the envelope in the module docstring)."""
    aes = AESGCM(key)
    header = MAGIC + _key_id(key) + secrets.token_bytes(8)
    dst.write(header)
    index = 0
    chunk = src.read(CHUNK)
    while True:
        following = src.read(CHUNK)
        last = not following
        nonce = header[-8:] + struct.pack(">I", index)
        sealed = aes.encrypt(nonce, chunk, _aad(header, index, last))
        dst.write(struct.pack(">I", len(sealed)) + sealed)
        if last:
            return
        chunk, index = following, index + 1


def decrypt_stream(key: bytes, src: BinaryIO, dst: BinaryIO, name: str) -> None:
    """Decrypt a backup envelope from ``src`` into ``dst``.

    Raises BackupError (``name`` is the file named in the message): not a backup file, made with
    another key, truncated, or altered. ``dst`` may then hold a part of the contents: the caller
    writes it to a scratch file and throws it away."""
    header = src.read(_HEADER_LEN)
    if len(header) < _HEADER_LEN or not header.startswith(MAGIC):
        raise BackupError(f"tệp {name} không phải bản sao lưu của phần mềm này (hoặc đã hỏng ngay từ đầu tệp).")
    if header[len(MAGIC):len(MAGIC) + 8] != _key_id(key):
        raise BackupError(
            f"bản sao lưu {name} được mã hóa bằng một khóa khác với khóa đang dùng (BACKUP_KEY_FILE). "
            "Hãy dùng đúng tệp khóa của máy đã tạo bản sao lưu này.")
    aes = AESGCM(key)
    index = 0
    while True:
        size_bytes = src.read(4)
        if len(size_bytes) < 4:
            raise BackupError(f"bản sao lưu {name} bị cắt cụt (thiếu phần cuối): tệp chép chưa xong hoặc đĩa đầy. "
                              "Hãy dùng một bản sao lưu khác.")
        (size,) = struct.unpack(">I", size_bytes)
        sealed = src.read(size)
        if len(sealed) < size or size > CHUNK + 16:
            raise BackupError(f"bản sao lưu {name} bị cắt cụt hoặc hỏng. Hãy dùng một bản sao lưu khác.")
        nonce = header[-8:] + struct.pack(">I", index)
        for last in (False, True):
            try:
                plain = aes.decrypt(nonce, sealed, _aad(header, index, last))
            except InvalidTag:
                continue
            break
        else:
            raise BackupError(f"bản sao lưu {name} bị hỏng (nội dung bị thay đổi ở đoạn {index + 1}). "
                              "Hãy dùng một bản sao lưu khác.")
        dst.write(plain)
        if last:
            if src.read(1):
                raise BackupError(f"bản sao lưu {name} có dữ liệu lạ sau phần cuối (tệp bị ghép hoặc hỏng).")
            return
        index += 1
