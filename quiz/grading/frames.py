"""Frames: a JSON header and a body, each length-prefixed, on a socket or a pipe.

How the rabbit process and the worker program talk (the spec, a request, a reply). Standard
library only: loaded by path in the worker program (see worker.py).
"""

from __future__ import annotations

import json
import os
import socket
import struct


def frame(header: dict, body: bytes) -> bytes:
    head = json.dumps(header).encode()
    return struct.pack("<II", len(head), len(body)) + head + body


def recv_exact(conn: socket.socket, n: int) -> bytes:
    chunks = bytearray()
    while len(chunks) < n:
        chunk = conn.recv(min(1 << 20, n - len(chunks)))
        if not chunk:
            raise ConnectionError("short read")
        chunks += chunk
    return bytes(chunks)


def send_frame(conn: socket.socket, header: dict, body: bytes) -> None:
    conn.sendall(frame(header, body))


def parse_head(head: bytes, max_body: int) -> tuple[int, int]:
    hlen, blen = struct.unpack("<II", head)
    if hlen > 1 << 20 or blen > max_body:
        raise ConnectionError("frame too large")
    return hlen, blen


def recv_frame(conn: socket.socket, max_body: int) -> tuple[dict, bytes]:
    hlen, blen = parse_head(recv_exact(conn, 8), max_body)
    header = json.loads(recv_exact(conn, hlen).decode())
    return header, recv_exact(conn, blen)


def read_exact_fd(fd: int, n: int) -> bytes:
    chunks = bytearray()
    while len(chunks) < n:
        chunk = os.read(fd, min(1 << 20, n - len(chunks)))
        if not chunk:
            raise ConnectionError("short read")
        chunks += chunk
    return bytes(chunks)


def write_all_fd(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]



def recv_frame_fd(fd: int, max_body: int) -> tuple[dict, bytes]:
    hlen, blen = parse_head(read_exact_fd(fd, 8), max_body)
    header = json.loads(read_exact_fd(fd, hlen).decode())
    return header, read_exact_fd(fd, blen)
