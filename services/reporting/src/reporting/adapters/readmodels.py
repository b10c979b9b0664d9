"""The read models' tables in PostgreSQL: the schema, applied at start-up.

Writes are in `projection_writes`, the queries in `pupil_reads`, `case_reads` and `figure_reads`.

Schema changes are appended to SCHEMA as `add column if not exists` statements, so an existing
database upgrades on start.
"""

from __future__ import annotations

SCHEMA = [
    """create table if not exists pupils (
        pupil_id uuid primary key,
        tenant text not null,
        school text not null,
        pupil_number text not null,
        given_name text not null,
        family_name text not null,
        date_of_birth date,
        registered_at timestamptz not null
    )""",
    # erased pupils keep their row without a date of birth (ADR 10)
    "alter table pupils alter column date_of_birth drop not null",
    """create table if not exists chronology (
        event_id uuid primary key,
        tenant text not null,
        school text not null,
        pupil_id uuid not null,
        event_type text not null,
        occurred_at timestamptz not null,
        sequence int not null,
        observed_on date,
        actor_id text not null,
        actor_role text not null,
        signal_id uuid,
        case_id uuid,
        body jsonb not null,
        corrections int not null default 0,
        latest_correction_id uuid
    )""",
    "create index if not exists chronology_by_pupil on chronology (pupil_id, occurred_at, sequence)",
    "create index if not exists chronology_by_signal on chronology (signal_id) where signal_id is not null",
    """create table if not exists school_cases (
        case_id uuid primary key,
        tenant text not null,
        school text not null,
        pupil_id uuid not null,
        step text not null,
        case_owner_id text not null,
        signal_ids uuid[] not null,
        opened_at timestamptz not null,
        last_event_at timestamptz not null
    )""",
    "create index if not exists school_cases_by_school on school_cases (tenant, school, last_event_at)",
    # --- v2: the whole casework state machine --------------------------------------------------
    """create table if not exists case_changes (
        event_id uuid primary key,
        case_id uuid not null,
        tenant text not null,
        school text not null,
        pupil_id uuid not null,
        event_type text not null,
        occurred_at timestamptz not null,
        sequence int not null,
        owner_id text,
        signal_ids uuid[] not null default '{}',
        outcome text,
        day date,
        to_school text,
        decision_reopened boolean not null default false
    )""",
    "create index if not exists case_changes_by_case on case_changes (case_id, sequence)",
    "alter table school_cases add column if not exists outcome text",
    "alter table school_cases add column if not exists reported_on date",
    "alter table school_cases add column if not exists reports int not null default 0",
    "alter table school_cases add column if not exists pupil_left_school boolean not null default false",
    "alter table school_cases add column if not exists left_school_on date",
    "alter table school_cases add column if not exists transferred_from text",
    "alter table school_cases add column if not exists transferred_on date",
    "alter table school_cases add column if not exists last_sequence int not null default 0",
    # Cases opened before v2 have only their CaseOpened, in the chronology: give them their change.
    """insert into case_changes (event_id, case_id, tenant, school, pupil_id, event_type, occurred_at,
                                 sequence, owner_id, signal_ids)
       select c.event_id, c.case_id, c.tenant, c.school, c.pupil_id, c.event_type, c.occurred_at,
              c.sequence, c.body ->> 'case_owner_id',
              array(select jsonb_array_elements_text(c.body -> 'signal_ids')::uuid)
       from chronology c
       where c.event_type = 'CaseOpened' and c.case_id is not null
         and not exists (select 1 from case_changes cc where cc.event_id = c.event_id)
       on conflict (event_id) do nothing""",
    # --- v3: every topic, open obligations, the access log -----------------------------------------
    # A notifications event that names only its case waits (pupil_id null) until the case is known.
    "alter table chronology alter column pupil_id drop not null",
    "create index if not exists chronology_by_case on chronology (case_id) where case_id is not null",
    "alter table school_cases add column if not exists step_since timestamptz",
    # FollowUpScheduled now keeps its evaluation day (case rows are folded again on the next event
    # of the case, or by `meldcode-reporting rebuild --replace`).
    """update case_changes cc set day = (c.body ->> 'evaluation_on')::date
       from chronology c
       where cc.event_id = c.event_id and cc.event_type = 'FollowUpScheduled' and cc.day is null""",
    """create table if not exists access_log (
        access_id uuid primary key,
        event_id uuid not null,
        occurred_at timestamptz not null,
        tenant text not null,
        school text not null,
        user_id text not null,
        role text not null,
        on_behalf_of text,
        service text not null,
        action text not null,
        resource text not null,
        pupil_id uuid,
        case_id uuid,
        client_address text,
        client_application text
    )""",
    "create index if not exists access_log_by_pupil on access_log (tenant, pupil_id, occurred_at desc)",
    "create index if not exists access_log_by_user on access_log (tenant, user_id, occurred_at desc)",
    "create index if not exists access_log_by_time on access_log (tenant, occurred_at desc)",
    # --- v4: stored case rows follow the fold they were made with ------------------------------
    "create table if not exists projection_versions (name text primary key, version int not null)",
    # --- v5: the zorgteam members invited into each case (they see only those cases) -----------
    """create table if not exists case_zorgteam (
        invitation text primary key,
        case_id uuid not null,
        member_id text not null
    )""",
    "create index if not exists case_zorgteam_by_member on case_zorgteam (member_id, case_id)",
    # --- v6: the step and open obligations casework publishes (CaseObligationsChanged, ADR 18) ---
    # Reporting no longer folds casework's state machine: the columns it needed for that go, and
    # a case's step is unknown (null) until casework publishes it.
    "alter table case_changes add column if not exists step text",
    "alter table case_changes add column if not exists obligations jsonb not null default '[]'",
    "alter table school_cases alter column step drop not null",
    "alter table school_cases add column if not exists obligations jsonb not null default '[]'",
    *(
        f"alter table school_cases drop column if exists {column}"
        for column in (
            "weighed",
            "step_before_close",
            "parents_informed",
            "child_informed",
            "reported_for_decision",
            "feedback_received",
            "evaluation_on",
            "evaluated",
        )
    ),
]
