"""Maintenance of open-access PCs (DESIGN §5): sites and their park, the departmental protocol
(plans), visits, incidents (also reported by the public from a PC's label), availability."""
