"""Devices from donation to reuse or recycling: intake, lifecycle, diagnosis, erasure, repair,
snapshots, readiness, recycling, finding devices."""
