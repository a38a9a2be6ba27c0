"""Minimal RFC 6455 client (text frames only) used by the recorder; no extra deps."""
from __future__ import annotations

import base64
import json
import os
import socket
import struct


class ServerClosed(ConnectionError):
    """The server sent a close frame; `code` is its status code (None when it sent none)."""

    def __init__(self, code):
        super().__init__(f"server closed ({code})")
        self.code = code


class WSClient:
    def __init__(self, host: str, port: int, path: str, headers: dict[str, str] | None = None, timeout: float = 5.0):
        self.sock = socket.create_connection((host, port), timeout=timeout)
        key = base64.b64encode(b"interop-fixed-ky").decode()
        lines = [
            f"GET {path} HTTP/1.1",
            f"Host: {host}:{port}",
            "Upgrade: websocket",
            "Connection: Upgrade",
            f"Sec-WebSocket-Key: {key}",
            "Sec-WebSocket-Version: 13",
        ]
        for k, v in (headers or {}).items():
            lines.append(f"{k}: {v}")
        self.sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
        buf = b""
        while b"\r\n\r\n" not in buf:
            chunk = self.sock.recv(4096)
            if not chunk:
                raise ConnectionError("handshake closed")
            buf += chunk
        head, self._rest = buf.split(b"\r\n\r\n", 1)
        self.status_line = head.split(b"\r\n")[0].decode()
        if " 101 " not in self.status_line:
            raise ConnectionError(self.status_line)

    def _recv_exact(self, n: int) -> bytes:
        while len(self._rest) < n:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise ConnectionError("closed")
            self._rest += chunk
        out, self._rest = self._rest[:n], self._rest[n:]
        return out

    def send_text(self, text: str) -> None:
        payload = text.encode("utf-8")
        header = bytearray([0x81])
        n = len(payload)
        if n < 126:
            header.append(0x80 | n)
        elif n < 65536:
            header.append(0x80 | 126)
            header += struct.pack(">H", n)
        else:
            header.append(0x80 | 127)
            header += struct.pack(">Q", n)
        mask = os.urandom(4)
        header += mask
        self.sock.sendall(bytes(header) + bytes(b ^ mask[i % 4] for i, b in enumerate(payload)))

    def send_json(self, obj) -> str:
        text = json.dumps(obj, separators=(",", ":"))
        self.send_text(text)
        return text

    def recv_text(self) -> str:
        while True:
            b0, b1 = self._recv_exact(2)
            opcode = b0 & 0x0F
            n = b1 & 0x7F
            if n == 126:
                n = struct.unpack(">H", self._recv_exact(2))[0]
            elif n == 127:
                n = struct.unpack(">Q", self._recv_exact(8))[0]
            if b1 & 0x80:
                mask = self._recv_exact(4)
                data = bytes(b ^ mask[i % 4] for i, b in enumerate(self._recv_exact(n)))
            else:
                data = self._recv_exact(n)
            if opcode == 0x1:
                return data.decode("utf-8")
            if opcode == 0x8:
                code = struct.unpack(">H", data[:2])[0] if len(data) >= 2 else None
                raise ServerClosed(code)
            # ping/pong/other: ignore

    def close(self) -> None:
        try:
            self.sock.sendall(bytes([0x88, 0x82]) + b"\x00\x00\x00\x00" + b"\x03\xe8")
        except OSError:
            pass
        self.sock.close()
