"""The Meldcode portal (server-rendered, calls the services with the user's token)."""
