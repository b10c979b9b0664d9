-- casework 0001: casework's copy of the pupils' signal history, as the start-up DDL created them before versioned
-- migrations (ADR 20). Every statement is idempotent (`if not exists`, data fix-ups that find nothing
-- left to fix), so this is safe on a database that code made. Never edit this file: add 0002_….sql.

create table if not exists known_pupils (
    pupil_id uuid primary key,
    tenant text not null,
    school text not null,
    date_of_birth date not null,
    registered_at timestamptz not null
);

create table if not exists known_signals (
    signal_id uuid primary key,
    pupil_id uuid not null,
    tenant text not null,
    school text not null,
    observed_on date not null,
    recorded_at timestamptz not null,
    corrections int not null default 0
);

create index if not exists known_signals_by_pupil on known_signals (pupil_id, observed_on);

create index if not exists known_pupils_by_school on known_pupils (school, tenant);

-- An erased pupil keeps their row without a date of birth (ADR 10).
alter table known_pupils alter column date_of_birth drop not null;
