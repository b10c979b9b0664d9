"""PostgreSQL (asyncpg) storage of tasks, known pupils, which case covers which signal, and the
small per-case state the task rules keep (`case_context`)."""
