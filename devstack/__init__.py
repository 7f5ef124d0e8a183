"""`make run`'s embedded stack: Redis, a Kafka-protocol broker, the consumers and the web app."""
