"""The zorgteam members invited into each case (ZorgteamMemberInvited / ZorgteamInvitationWithdrawn):
a zorgteam member sees only the tasks and melding documents of those cases."""

from __future__ import annotations

import uuid

import asyncpg


async def invite(conn: asyncpg.Connection, case_id: uuid.UUID, member_id: str) -> None:
    await conn.execute(
        "insert into case_zorgteam (invitation, case_id, member_id) values ($1, $2, $3) on conflict do nothing",
        f"{case_id}/{member_id}",
        case_id,
        member_id,
    )


async def withdraw_invitation(conn: asyncpg.Connection, case_id: uuid.UUID, member_id: str) -> None:
    await conn.execute("delete from case_zorgteam where invitation = $1", f"{case_id}/{member_id}")


async def invited_cases(db: asyncpg.Pool, member_id: str) -> set[uuid.UUID]:
    rows = await db.fetch("select case_id from case_zorgteam where member_id = $1", member_id)
    return {r["case_id"] for r in rows}
