-- signals 0003: the bytes of a signal's attachments (issue 17), sealed with the pupil's data key
-- (nonce | AES-GCM ciphertext, bound to the pupil and the attachment id; ADR 10). What an attachment
-- is (kind, type, size, who added it) is the signal's `AttachmentAdded` event; erasing the pupil's
-- key makes these bytes unreadable like every other personal value of the pupil.

create table if not exists signal_attachments (
    attachment_id uuid primary key,
    signal_id uuid not null,
    pupil_id uuid not null,
    tenant text not null,
    school text not null,
    sealed bytea not null,
    stored_at timestamptz not null default now()
);

create index if not exists signal_attachments_signal on signal_attachments (signal_id);
