-- reporting 0003: the names of the schools' staff (StaffMemberListed / StaffMemberDelisted), so that
-- the case file and the parents' export name people instead of user ids. One row per person per
-- school of a samenwerkingsverband; the latest event wins; a delisting keeps the name for history.
create table if not exists staff_names (
    listing text primary key,
    tenant text not null,
    school text not null,
    user_id text not null,
    name text,
    role text,
    listed boolean not null,
    changed_at timestamptz not null
);

create index if not exists staff_names_by_user on staff_names (tenant, user_id);
