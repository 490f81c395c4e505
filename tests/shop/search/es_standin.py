"""A small stand-in for an Elasticsearch 8 node, for wire-format tests.

It runs in a thread on 127.0.0.1 (an ephemeral port), records every request (method, path,
query string, headers, body) and answers the calls the backend makes the way Elasticsearch
does: index create/delete/exists, aliases, ``_bulk`` (NDJSON), ``_refresh`` and
``_search``. It does not analyze text: ``_search`` answers with the stored documents that
``responder(index, body, docs)`` picks (by default: documents holding any of the query's
strings, ordered by product id), so that tests check what goes over the wire and how the
answer is read, not ranking.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

ES_CONTENT_TYPE = "application/vnd.elasticsearch+json;compatible-with=8"


@dataclass
class Recorded:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes

    def json(self):
        return json.loads(self.body)

    def ndjson(self) -> list[dict]:
        return [json.loads(line) for line in self.body.decode().splitlines() if line.strip()]


def _strings(node) -> list[str]:
    """Every string under a ``query``/``value`` key of a query body."""
    out: list[str] = []
    if isinstance(node, dict):
        for key, value in node.items():
            if key in {"query", "value"} and isinstance(value, str):
                out.append(value)
            else:
                out.extend(_strings(value))
    elif isinstance(node, list):
        for item in node:
            out.extend(_strings(item))
    return out


def default_responder(index: str, body: dict, docs: dict[str, dict]) -> list[str]:
    needles = [s for s in _strings(body.get("query", {})) if s]
    hits = []
    for doc_id, doc in docs.items():
        haystack = " ".join(str(v) for v in doc.values())
        if any(n in haystack for n in needles):
            hits.append(doc_id)
    return sorted(hits, key=int)[: body.get("size", 10)]


@dataclass
class StandIn:
    server: ThreadingHTTPServer
    requests: list[Recorded] = field(default_factory=list)
    indices: dict[str, dict] = field(default_factory=dict)  # name -> {"body":…, "docs":{}}
    aliases: dict[str, set[str]] = field(default_factory=dict)  # alias -> index names
    responder: Callable[[str, dict, dict], list[str]] = default_responder

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def resolve(self, name: str) -> list[str]:
        if name in self.indices:
            return [name]
        return sorted(self.aliases.get(name, ()))

    def calls(self) -> list[str]:
        return [f"{r.method} {r.path}" for r in self.requests]

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def _handler(state: StandIn):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args):  # keep test output quiet
            return

        def _reply(self, status: int, payload=None) -> None:
            data = b"" if payload is None else json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("X-Elastic-Product", "Elasticsearch")
            self.send_header("Content-Type", ES_CONTENT_TYPE)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(data)

        def _not_found(self, what: str) -> None:
            self._reply(
                404,
                {
                    "error": {"type": "index_not_found_exception", "reason": f"no such {what}"},
                    "status": 404,
                },
            )

        def _handle(self) -> None:
            parts = urlsplit(self.path)
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            state.requests.append(
                Recorded(
                    self.command,
                    parts.path,
                    parse_qs(parts.query),
                    {k.lower(): v for k, v in self.headers.items()},
                    body,
                )
            )
            segments = [s for s in parts.path.split("/") if s]
            method = self.command
            if not segments:
                return self._reply(
                    200,
                    {
                        "name": "stand-in",
                        "cluster_name": "nuri-test",
                        "version": {"number": "8.19.0", "build_flavor": "default"},
                        "tagline": "You Know, for Search",
                    },
                )
            if segments[0] == "_bulk" or (len(segments) == 2 and segments[1] == "_bulk"):
                return self._bulk(segments[0] if segments[0] != "_bulk" else None, body)
            if segments[0] == "_aliases" and method == "POST":
                for action in json.loads(body)["actions"]:
                    ((kind, spec),) = action.items()
                    members = state.aliases.setdefault(spec["alias"], set())
                    (members.add if kind == "add" else members.discard)(spec["index"])
                return self._reply(200, {"acknowledged": True})
            if segments[0] == "_alias" and len(segments) == 2:
                names = sorted(state.aliases.get(segments[1], ()))
                if not names:
                    return self._reply(
                        404, {"error": f"alias [{segments[1]}] missing", "status": 404}
                    )
                return self._reply(200, {n: {"aliases": {segments[1]: {}}} for n in names})
            name = segments[0]
            if len(segments) == 1:
                if method == "HEAD":
                    return self._reply(200 if name in state.indices else 404)
                if method == "PUT":
                    state.indices[name] = {"body": json.loads(body or b"{}"), "docs": {}}
                    return self._reply(
                        200, {"acknowledged": True, "shards_acknowledged": True, "index": name}
                    )
                if method == "DELETE":
                    if name not in state.indices:
                        return self._not_found(name)
                    del state.indices[name]
                    for members in state.aliases.values():
                        members.discard(name)
                    return self._reply(200, {"acknowledged": True})
            if len(segments) == 3 and segments[1] == "_alias" and method == "PUT":
                state.aliases.setdefault(segments[2], set()).add(name)
                return self._reply(200, {"acknowledged": True})
            if len(segments) == 2 and segments[1] == "_alias" and method == "HEAD":
                return self._reply(200 if state.aliases.get(name) else 404)
            if len(segments) == 2 and segments[1] == "_refresh":
                return self._reply(200, {"_shards": {"total": 1, "successful": 1, "failed": 0}})
            if len(segments) == 2 and segments[1] == "_search":
                targets = state.resolve(name)
                if not targets:
                    return self._not_found(name)
                docs = {}
                for target in targets:
                    docs.update(state.indices[target]["docs"])
                ids = state.responder(name, json.loads(body or b"{}"), docs)
                return self._reply(
                    200,
                    {
                        "took": 1,
                        "timed_out": False,
                        "_shards": {"total": 1, "successful": 1, "skipped": 0, "failed": 0},
                        "hits": {
                            "max_score": None,
                            "hits": [
                                {"_index": targets[0], "_id": i, "_score": None, "sort": [0, i]}
                                for i in ids
                            ],
                        },
                    },
                )
            return self._reply(400, {"error": f"stand-in: unsupported {method} {parts.path}"})

        def _bulk(self, index: str | None, body: bytes) -> None:
            lines = [json.loads(line) for line in body.decode().splitlines() if line.strip()]
            items, i = [], 0
            while i < len(lines):
                ((action, meta),) = lines[i].items()
                target = meta.get("_index") or index
                names = state.resolve(target)
                if not names:  # Elasticsearch would auto-create; the stand-in does too.
                    state.indices[target] = {"body": {}, "docs": {}}
                    names = [target]
                docs = state.indices[names[0]]["docs"]
                if action == "delete":
                    found = docs.pop(meta["_id"], None) is not None
                    items.append(
                        {
                            "delete": {
                                "_index": names[0],
                                "_id": meta["_id"],
                                "result": "deleted" if found else "not_found",
                                "status": 200 if found else 404,
                            }
                        }
                    )
                    i += 1
                    continue
                docs[meta["_id"]] = lines[i + 1]
                items.append(
                    {
                        action: {
                            "_index": names[0],
                            "_id": meta["_id"],
                            "result": "created",
                            "status": 201,
                        }
                    }
                )
                i += 2
            self._reply(200, {"took": 1, "errors": False, "items": items})

        do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = _handle

    return Handler


def start() -> StandIn:
    server = ThreadingHTTPServer(("127.0.0.1", 0), None)  # handler set below
    state = StandIn(server=server)
    server.RequestHandlerClass = _handler(state)
    threading.Thread(target=server.serve_forever, name="es-stand-in", daemon=True).start()
    return state
