"""Change notifications: the outbox (events), the relay (sequence + channels), webhooks."""
