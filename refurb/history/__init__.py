"""The append-only event history every module writes to, and the coordinator's audit page."""
