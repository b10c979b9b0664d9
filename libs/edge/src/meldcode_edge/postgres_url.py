"""PostgreSQL URLs that may name several servers: a primary and its standby (ADR 28).

`postgresql://user@h1:5432,h2:5433/db?target_session_attrs=read-write` is libpq's multi-host form,
which psycopg, psycopg_pool and asyncpg all follow: each tries the hosts in order and keeps the
first that accepts writes, so after a failover a new connection reaches the promoted standby.
`urllib.parse` cannot read the port of such a URL, so the parts are taken apart here.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import parse_qsl, unquote, urlsplit

DEFAULT_PORT = 5432


@dataclass(frozen=True)
class PostgresAddress:
    user: str
    password: str
    hosts: tuple[tuple[str, int], ...]
    database: str
    options: tuple[tuple[str, str], ...]  # the query: target_session_attrs and the like

    @property
    def host_list(self) -> str:
        """The hosts as libpq's comma-separated `host` parameter."""
        return ",".join(host for host, _ in self.hosts)

    @property
    def port_list(self) -> str:
        """The ports as libpq's comma-separated `port` parameter."""
        return ",".join(str(port) for _, port in self.hosts)

    def option(self, name: str) -> str | None:
        return dict(self.options).get(name)


def parse(url: str) -> PostgresAddress:
    parts = urlsplit(url)
    userinfo, _, hostinfo = parts.netloc.rpartition("@")
    user, _, password = userinfo.partition(":")
    hosts = []
    for entry in (hostinfo or "127.0.0.1").split(","):
        host, _, port = entry.rpartition(":") if not entry.endswith("]") else (entry, "", "")
        if not host:  # no port given
            host, port = entry, ""
        hosts.append((host.strip("[]") or "127.0.0.1", int(port) if port else DEFAULT_PORT))
    return PostgresAddress(
        user=unquote(user) or "postgres",
        password=unquote(password),
        hosts=tuple(hosts),
        database=unquote(parts.path.lstrip("/")) or "postgres",
        options=tuple(parse_qsl(parts.query)),
    )


def with_database(url: str, database: str) -> str:
    """The same servers and options, another database."""
    parts = urlsplit(url)
    return parts._replace(path=f"/{database}").geturl()


def with_user(url: str, user: str, password: str | None = None) -> str:
    """The same servers, database and options, connecting as `user`."""
    parts = urlsplit(url)
    _, _, hostinfo = parts.netloc.rpartition("@")
    netloc = f"{user}{':' + password if password else ''}@{hostinfo or '127.0.0.1'}"
    return parts._replace(netloc=netloc).geturl()
