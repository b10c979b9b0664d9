"""The auditor's command line: reads through the services' audit endpoints, never the databases."""
