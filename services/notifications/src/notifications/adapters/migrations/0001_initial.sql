-- notifications 0001: the tasks, reminders, queues and facts notifications keeps, as the start-up DDL created them before versioned
-- migrations (ADR 20). Every statement is idempotent (`if not exists`, data fix-ups that find nothing
-- left to fix), so this is safe on a database that code made. Never edit this file: add 0002_….sql.

create table if not exists pupils (
    pupil_id uuid primary key,
    tenant text not null,
    school text not null,
    given_name text not null,
    family_initial text not null,
    registered_at timestamptz not null
);

create table if not exists tasks (
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
);

create index if not exists tasks_by_role on tasks (tenant, school, assignee_role, status, created_at);

create index if not exists tasks_by_user on tasks (tenant, assignee_user_id, status, created_at);

create index if not exists tasks_by_signal on tasks (tenant, signal_id) where signal_id is not null;

create table if not exists signal_coverage (
    tenant text not null,
    signal_id uuid not null,
    case_id uuid not null,
    source_event_id uuid not null,
    covered_at timestamptz not null,
    primary key (tenant, signal_id)
);

create index if not exists tasks_by_case on tasks (tenant, case_id) where case_id is not null;

create table if not exists case_context (
    case_id uuid primary key,
    tenant text not null,
    pupil_id uuid not null,
    school text not null,
    owner_id text,
    care_coordinator_id text,
    weighed boolean not null default false,
    zorgteam_discussion_asked boolean not null default false,
    closed boolean not null default false
);

-- Cases opened before case_context existed: their owner, school and pupil from the new_case task.
insert into case_context (case_id, tenant, pupil_id, school, owner_id)
   select distinct on (case_id) case_id, tenant, pupil_id, school, assignee_user_id
   from tasks
   where kind = 'new_case' and case_id is not null and pupil_id is not null
   order by case_id, created_at
   on conflict (case_id) do nothing;

-- Reminders: one row per (task, deadline); fired once (status), claimed with skip locked.
create table if not exists reminders (
    reminder_id uuid primary key,
    task_id uuid not null,
    due_at timestamptz not null,
    status text not null default 'pending'
        check (status in ('pending', 'sent', 'cancelled', 'no_recipient')),
    fired_at timestamptz,
    unique (task_id, due_at)
);

create index if not exists reminders_pending on reminders (due_at) where status = 'pending';

-- Everything that may be sent to a person as e-mail: user id -> address (from settings).
create table if not exists user_directory (
    user_id text primary key,
    email text not null,
    name text
);

create table if not exists email_outbox (
    message_id text primary key,
    reminder_id uuid,
    recipient_user_id text not null,
    recipient text not null,
    subject text not null,
    body text not null,
    created_at timestamptz not null,
    attempts int not null default 0,
    next_attempt_at timestamptz not null,
    sent_at timestamptz,
    last_error text
);

create index if not exists email_outbox_pending on email_outbox (next_attempt_at) where sent_at is null;

-- What the melding document and the JGZ messages need of the pupil, the signals and the case.
create table if not exists pupil_identity (
    pupil_id uuid primary key,
    tenant text not null,
    school text not null,
    given_name text not null,
    family_name text not null,
    date_of_birth date,
    pupil_number text not null
);

-- erased pupils keep their row without a date of birth (ADR 10)
alter table pupil_identity alter column date_of_birth drop not null;

create table if not exists signal_facts (
    signal_id uuid primary key,
    tenant text not null,
    pupil_id uuid not null,
    observed_on date not null,
    source_kind text not null,
    source_name text,
    description text not null,
    categories text[] not null default '{}',
    interpretation text,
    corrected_on date,
    version_at timestamptz not null
);

create table if not exists consultations (
    consultation_id uuid primary key,
    tenant text not null,
    pupil_id uuid not null,
    consulted_on date not null,
    consulted_name text not null,
    consulted_role text not null,
    organisation text not null,
    advice text not null
);

create index if not exists consultations_by_pupil on consultations (tenant, pupil_id);

create table if not exists case_facts (
    event_id uuid primary key,
    tenant text not null,
    case_id uuid not null,
    kind text not null,
    occurred_at timestamptz not null,
    data jsonb not null
);

create index if not exists case_facts_by_case on case_facts (tenant, case_id, occurred_at);

create table if not exists melding_documents (
    document_id uuid primary key,
    report_event_id uuid not null unique,
    tenant text not null,
    school text not null,
    case_id uuid not null,
    pupil_id uuid not null,
    reported_on date not null,
    reported_at timestamptz not null,
    report jsonb not null,
    status text not null default 'pending' check (status in ('pending', 'issued')),
    created_at timestamptz not null,
    next_attempt_at timestamptz not null,
    pdf bytea,
    sha256 text,
    pages int,
    issued_at timestamptz
);

create index if not exists melding_documents_by_case on melding_documents (tenant, case_id);

-- The pupil's personal data was erased (ADR 10): the PDF is gone, id, sha256 and dates stay.
alter table melding_documents add column if not exists erased_at timestamptz;

create table if not exists webhook_deliveries (
    delivery_id uuid primary key,
    source_event_id uuid not null unique,
    tenant text not null,
    school text not null,
    case_id uuid not null,
    pupil_id uuid not null,
    message_type text not null,
    organisation text not null,
    body bytea not null,
    status text not null default 'pending' check (status in ('pending', 'delivered')),
    created_at timestamptz not null,
    attempts int not null default 0,
    next_attempt_at timestamptz not null,
    delivered_at timestamptz,
    status_code int,
    last_error text
);

create index if not exists webhook_deliveries_pending on webhook_deliveries (next_attempt_at) where status = 'pending';

-- The zorgteam members invited into each case: they see only those cases' tasks and documents.
create table if not exists case_zorgteam (
    invitation text primary key,
    case_id uuid not null,
    member_id text not null
);

create index if not exists case_zorgteam_by_member on case_zorgteam (member_id, case_id);

-- Casework publishes each case's open obligations with due days (ADR 18): the tasks follow them,
-- and need to know who the decision named to inform the parents and who reported.
alter table case_context add column if not exists parents_informer_id text;

alter table case_context add column if not exists reporter_id text;
