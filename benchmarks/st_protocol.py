"""A Streamlit 1.67 session without a browser: its websocket protocol, with asyncio and ``websockets``.

Used by ``benchmarks/bench_load.py`` (many sessions changing widgets) and by the cluster tests
(``tests/deploy/``). A session connects to ``ws://HOST:PORT/_stcore/stream`` (binary protobuf frames
only; the subprotocols a browser sends, with Streamlit's placeholder instead of an XSRF token), asks
for a run (``BackMsg.rerun_script``) and reads ``ForwardMsg`` frames until ``script_finished``. It
keeps what a browser keeps: the page's hash (from ``navigation``), every widget's id and state, the
cookie nginx set (so a load balancer keeps it on its process), and sends every widget's state again
on each rerun. A protocol session costs about 0.02 CPU-seconds against about 6 for a headless
Chromium (measured on this project's 2-core machine): the clients leave the cores to the servers.
"""

from __future__ import annotations

import asyncio
import dataclasses
import io
import time
import urllib.request

import pandas as pd
import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState

FINISHED_OK = (ForwardMsg.ScriptFinishedStatus.FINISHED_SUCCESSFULLY,
               ForwardMsg.ScriptFinishedStatus.FINISHED_FRAGMENT_RUN_SUCCESSFULLY)  # fmt: skip
SUPERSEDED = ForwardMsg.ScriptFinishedStatus.FINISHED_EARLY_FOR_RERUN


class RunFailed(RuntimeError):
    """A run raised (an exception element) or did not finish."""


@dataclasses.dataclass
class Run:
    """What one run sent: seconds from request to ``script_finished``, widgets, tables, texts, exceptions."""

    seconds: float
    widgets: dict[str, object]  # widget key (the end of its id) -> the element's body
    tables: list[pd.DataFrame]
    texts: list[str]
    exceptions: list[str]


def cookie_of(base_url: str) -> str | None:
    """The sticky cookie a load balancer sets on a first HTTP response (None without one)."""
    with urllib.request.urlopen(base_url + "/", timeout=10) as response:  # noqa: S310 - loopback only
        found = response.headers.get("Set-Cookie")
    return found.split(";", 1)[0] if found else None


def _key(widget_id: str) -> str:
    return widget_id.rsplit("-", 1)[-1] if "-" in widget_id else widget_id


def _table(body) -> pd.DataFrame | None:
    import pyarrow as pa

    data = body.arrow_data.data
    if not data:
        return None
    with pa.ipc.open_stream(io.BytesIO(data)) as reader:
        return reader.read_all().to_pandas()


class Session:
    """One browser-like session on a page of the app (``page`` is the URL path, e.g. ``compare``)."""

    def __init__(self, base_url: str, page: str, query: str = "", *, cookie: str | None = None, timeout: float = 120):
        self.base_url, self.page, self.query, self.cookie, self.timeout = (
            base_url.rstrip("/"),
            page,
            query,
            cookie,
            timeout,
        )
        self.page_hash = ""
        self.states: dict[str, WidgetState] = {}
        self.widgets: dict[str, object] = {}
        self._ws = None
        self._frames: asyncio.Queue | None = None
        self._reader: asyncio.Task | None = None

    async def connect(self) -> None:
        url = self.base_url.replace("http://", "ws://", 1) + "/_stcore/stream"
        headers = {"Cookie": self.cookie} if self.cookie else None
        self._ws = await websockets.connect(url, subprotocols=["streamlit", "PLACEHOLDER_AUTH_TOKEN"], max_size=None,
                                            additional_headers=headers, open_timeout=self.timeout,
                                            ping_interval=None)  # fmt: skip
        self._frames = asyncio.Queue()
        self._reader = asyncio.create_task(self._read())

    async def _read(self) -> None:  # always reading, so the server's pings are answered
        try:
            async for frame in self._ws:
                await self._frames.put(frame)
        except websockets.ConnectionClosed:
            pass
        finally:
            await self._frames.put(None)

    async def close(self) -> None:
        if self._ws is not None:
            await self._ws.close()
        if self._reader is not None:
            await asyncio.gather(self._reader, return_exceptions=True)

    async def reconnect(self) -> None:
        """A new websocket after the old one was lost, as Streamlit's client does (same cookie, same widget states)."""
        await self.close()
        await self.connect()

    def set_widget(self, key: str, value) -> None:
        """Give a widget (by its key) a new value: a selectbox or radio takes the option's shown text."""
        body = self.widgets[key]
        state = WidgetState(id=body.id)
        if isinstance(value, bool):
            state.bool_value = value
        elif isinstance(value, (int, float)):
            state.double_value = float(value)
        else:
            state.string_value = str(value)
        self.states[key] = state

    async def run(self) -> Run:
        """Ask for a run with every widget's state; wait for it to finish (a superseded run is waited past)."""
        msg = BackMsg()
        client = msg.rerun_script
        client.query_string = self.query
        client.page_script_hash = self.page_hash
        client.page_name = self.page
        client.widget_states.widgets.extend(self.states.values())
        started = time.perf_counter()
        try:
            await self._ws.send(msg.SerializeToString())
        except websockets.ConnectionClosed as exc:
            raise ConnectionError("the websocket was closed") from exc
        tables, texts, exceptions = [], [], []
        deadline = started + self.timeout
        while True:
            try:
                frame = await asyncio.wait_for(self._frames.get(), timeout=max(0.1, deadline - time.perf_counter()))
            except TimeoutError:
                raise RunFailed(f"no script_finished within {self.timeout} s") from None
            if frame is None:
                raise ConnectionError("the server closed the websocket")
            if isinstance(frame, str):
                continue
            forward = ForwardMsg()
            forward.ParseFromString(frame)
            kind = forward.WhichOneof("type")
            if kind == "navigation":
                for page in forward.navigation.app_pages:
                    if page.url_pathname == self.page:
                        self.page_hash = page.page_script_hash
            elif kind == "delta" and forward.delta.WhichOneof("type") == "new_element":
                element = forward.delta.new_element
                what = element.WhichOneof("type")
                body = getattr(element, what) if what else None
                if what == "exception":
                    exceptions.append(f"{body.type}: {body.message}")
                elif what == "dataframe":
                    found = _table(body)
                    if found is not None:
                        tables.append(found)
                elif what in ("markdown", "alert", "heading", "text"):
                    texts.append(getattr(body, "body", ""))
                elif body is not None and getattr(body, "id", ""):
                    self.widgets[_key(body.id)] = body
            elif kind == "script_finished":
                if forward.script_finished == SUPERSEDED:
                    continue
                seconds = time.perf_counter() - started
                if forward.script_finished not in FINISHED_OK:
                    raise RunFailed(f"script_finished status {forward.script_finished}")
                for key, state in self.states.items():  # a widget's id may change with its options
                    if key in self.widgets and self.widgets[key].id != state.id:
                        state.id = self.widgets[key].id
                return Run(seconds, dict(self.widgets), tables, texts, exceptions)
