-- notifications 0003: the name and work e-mail address of each person in a school's staff directory
-- (signals' StaffMemberListed / StaffMemberDelisted, ADR 23), so that a task can be e-mailed to the
-- person it is for. Personal data: never logged; a delisting drops the address. Erasure of staff
-- data on request is not built yet (ADR 23).

create table if not exists staff_contacts (
    tenant text not null,
    school text not null,
    user_id text not null,
    name text not null,
    email text,
    role text not null,
    listed boolean not null,
    changed_at timestamptz not null,
    primary key (tenant, school, user_id)
);

create index if not exists staff_contacts_by_user on staff_contacts (user_id, school);
