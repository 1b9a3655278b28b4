"""Services of the maintenance: sites and their park, visits, incidents, plans."""
