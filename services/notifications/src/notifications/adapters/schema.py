"""The service's own tables, created idempotently at start-up (`runtime.database`)."""

SCHEMA = [
    """create table if not exists pupils (
        pupil_id uuid primary key,
        tenant text not null,
        school text not null,
        given_name text not null,
        family_initial text not null,
        registered_at timestamptz not null
    )""",
    """create table if not exists tasks (
        task_id uuid primary key,
        tenant text not null,
        school text not null,
        kind text not null,
        assignee_role text,
        assignee_user_id text,
        pupil_id uuid,
        case_id uuid,
        signal_id uuid,
        created_at timestamptz not null,
        due_at timestamptz,
        status text not null default 'open' check (status in ('open', 'done')),
        completed_at timestamptz,
        completed_by text,
        fulfilled_by_event_id uuid,
        source_event_id uuid not null,
        check (assignee_role is not null or assignee_user_id is not null),
        check ((status = 'done') = (completed_at is not null and completed_by is not null))
    )""",
    "create index if not exists tasks_by_role on tasks (tenant, school, assignee_role, status, created_at)",
    "create index if not exists tasks_by_user on tasks (tenant, assignee_user_id, status, created_at)",
    "create index if not exists tasks_by_signal on tasks (tenant, signal_id) where signal_id is not null",
    """create table if not exists signal_coverage (
        tenant text not null,
        signal_id uuid not null,
        case_id uuid not null,
        source_event_id uuid not null,
        covered_at timestamptz not null,
        primary key (tenant, signal_id)
    )""",
    "create index if not exists tasks_by_case on tasks (tenant, case_id) where case_id is not null",
    """create table if not exists case_context (
        case_id uuid primary key,
        tenant text not null,
        pupil_id uuid not null,
        school text not null,
        owner_id text,
        care_coordinator_id text,
        weighed boolean not null default false,
        zorgteam_discussion_asked boolean not null default false,
        closed boolean not null default false
    )""",
    # Cases opened before case_context existed: their owner, school and pupil from the new_case task.
    """insert into case_context (case_id, tenant, pupil_id, school, owner_id)
       select distinct on (case_id) case_id, tenant, pupil_id, school, assignee_user_id
       from tasks
       where kind = 'new_case' and case_id is not null and pupil_id is not null
       order by case_id, created_at
       on conflict (case_id) do nothing""",
]
