"""Reporting to the Conseil Départemental (DESIGN §8): the roadmap's indicators as of any date,
computed from the history, against targets that the coordinator edits (history kept)."""
