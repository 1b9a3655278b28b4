"""Services of the loans: lender settings and terms, households and the waiting list, lending.

Every device change goes through the inventory lifecycle (`perform` with `Via.LOAN`), so a loan
obeys the same rules as the workshop: only a ready device can be reserved or lent, and a
returned one must be erased again."""
