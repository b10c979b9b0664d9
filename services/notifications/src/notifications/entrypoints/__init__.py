"""How the world reaches notifications: Kafka consumer, HTTP API, command line."""
