"""PostgreSQL (asyncpg) storage of tasks, known pupils and which case covers which signal."""
