-- Melding documents are due work like the e-mail and the webhooks (adapters/due_work.py): a failed
-- build is counted and put off instead of holding up the documents behind it. Existing rows get 0
-- and null and are still built.
alter table melding_documents add column if not exists attempts int not null default 0;
alter table melding_documents add column if not exists last_error text;
