-- signals 0001: the pupils' open cases (kept from casework's events) and the retention job's
-- departures, position and runs, as the start-up DDL created them before versioned migrations
-- (ADR 20). Every statement is idempotent (`if not exists`), so this is safe on a database that code
-- made. Never edit this file: add 0002_….sql.

create table if not exists pupil_cases (
    case_id uuid primary key,
    pupil_id uuid not null,
    tenant text not null,
    school text not null,
    is_open boolean not null,
    changed_at timestamptz not null,
    last_event_id uuid not null
);

create index if not exists pupil_cases_open on pupil_cases (pupil_id) where is_open;

create table if not exists retention_departures (
    pupil_id uuid primary key,
    tenant text not null,
    school text not null,
    left_on date not null,
    erased_on date
);

create index if not exists retention_departures_not_erased
    on retention_departures (left_on) where erased_on is null;

create table if not exists retention_position (
    name text primary key,
    position bigint not null,
    updated_at timestamptz not null default now()
);

create table if not exists retention_runs (
    run_id uuid primary key,
    trigger text not null,
    dry_run boolean not null,
    today date not null,
    started_at timestamptz not null default now(),
    finished_at timestamptz,
    candidates int,
    due int,
    erased int,
    kept_case_open int,
    failed int
);
