"""Inventory operations. Each takes plain values and the acting user, checks the rules,
changes the models, records the event and flushes; the caller commits."""
