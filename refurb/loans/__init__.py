"""Lending devices to modest households through associations (DESIGN §4, §6)."""
