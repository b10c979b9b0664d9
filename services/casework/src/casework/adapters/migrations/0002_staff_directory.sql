-- casework 0002: casework's copy of each school's staff directory (rule 17, ADR 23), from the signals
-- service's StaffMemberListed / StaffMemberDelisted. Ids and roles only: names and e-mail addresses
-- stay with signals (and notifications, which mails people). `role` is null for a person delisted
-- before any listing reached casework; a school keeps a directory once it has a row with a role.

create table if not exists staff_directory (
    tenant text not null,
    school text not null,
    user_id text not null,
    role text,
    listed boolean not null,
    changed_at timestamptz not null,
    primary key (tenant, school, user_id)
);
