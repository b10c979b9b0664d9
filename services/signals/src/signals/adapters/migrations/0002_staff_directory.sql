-- signals 0002: the staff directory's read model (issue 17), caught up from the event store's
-- StaffMember events; the event store stays the source of truth (drop both tables to rebuild).

create table if not exists staff_directory (
    member_id uuid primary key,
    tenant text not null,
    school text not null,
    user_id text not null,
    name text not null,
    role text not null,
    email text,
    listed boolean not null,
    version int not null
);

create index if not exists staff_directory_school on staff_directory (tenant, school) where listed;
create index if not exists staff_directory_user on staff_directory (tenant, user_id);

create table if not exists staff_directory_position (
    name text primary key,
    position bigint not null,
    updated_at timestamptz not null default now()
);
