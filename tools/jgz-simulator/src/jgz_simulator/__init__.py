"""A small JGZ system for the end-to-end tests and the demo."""
