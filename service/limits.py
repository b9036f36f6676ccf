"""Refuse oversized request bodies before they are read into memory."""

from __future__ import annotations

import json
import re

from starlette.types import ASGIApp, Message, Receive, Scope, Send


class BodySizeLimit:
    """ASGI middleware: 413 when a body exceeds ``max_bytes`` (declared or streamed);
    paths matching ``upload_paths`` (file uploads) may send up to ``max_upload_bytes``."""

    def __init__(
        self,
        app: ASGIApp,
        max_bytes: int,
        upload_paths: str = "$^",
        max_upload_bytes: int = 0,
    ) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.upload_paths = re.compile(upload_paths)
        self.max_upload_bytes = max(max_bytes, max_upload_bytes)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        upload = self.upload_paths.fullmatch(scope.get("path", ""))
        limit = self.max_upload_bytes if upload else self.max_bytes
        headers = dict(scope.get("headers") or [])
        declared = headers.get(b"content-length")
        if declared is None and b"transfer-encoding" not in headers:
            await self.app(scope, receive, send)  # HTTP/1.1: no body without either
            return
        if declared is not None and (not declared.isdigit() or int(declared) > limit):
            await self._refuse(send, limit)
            return
        seen = 0
        started = refused = False

        async def limited() -> Message:
            nonlocal seen, refused
            message = await receive()
            if message["type"] == "http.request" and not refused:
                seen += len(message.get("body", b""))
                if seen > limit:
                    refused = True
                    if not started:
                        await self._refuse(send, limit)
                    return {"type": "http.disconnect"}
            return message

        async def guarded_send(message: Message) -> None:
            nonlocal started
            if refused:
                return  # the 413 has been sent; whatever the app answers is dropped
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        await self.app(scope, limited, guarded_send)

    async def _refuse(self, send: Send, limit: int) -> None:
        body = json.dumps({"detail": f"request body larger than {limit} bytes"}).encode()
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(body)).encode()),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})
