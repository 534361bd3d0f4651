"""A TCP proxy between a client and a server that can be cut off like a network partition, for tests.

Until `partition()` it forwards bytes both ways. After it, the connections stay open but nothing gets through
either way: no reset, no close, the silence of a network that has gone away. New connections are accepted and
then hear nothing, as a client connecting into a partition sees it.
"""

from __future__ import annotations

import asyncio


class TcpProxy:
    def __init__(self, upstream_host: str, upstream_port: int) -> None:
        self._upstream = (upstream_host, upstream_port)
        self._server: asyncio.Server | None = None
        self._partitioned = False
        self._tasks: set[asyncio.Task[None]] = set()
        self._writers: list[asyncio.StreamWriter] = []
        self.port = 0

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]

    def partition(self) -> None:
        self._partitioned = True

    async def close(self) -> None:
        if self._server is not None:
            self._server.close()
        for writer in self._writers:
            writer.close()
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        if self._server is not None:
            await self._server.wait_closed()

    async def _serve(self, client_reader: asyncio.StreamReader, client_writer: asyncio.StreamWriter) -> None:
        self._writers.append(client_writer)
        if self._partitioned:
            self._pipe_later(client_reader, None)
            return
        upstream_reader, upstream_writer = await asyncio.open_connection(*self._upstream)
        self._writers.append(upstream_writer)
        self._pipe_later(client_reader, upstream_writer)
        self._pipe_later(upstream_reader, client_writer)

    def _pipe_later(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter | None) -> None:
        task = asyncio.create_task(self._pipe(reader, writer))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _pipe(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter | None) -> None:
        while data := await reader.read(65536):
            if writer is not None and not self._partitioned:  # in a partition the bytes are lost
                writer.write(data)
                await writer.drain()
