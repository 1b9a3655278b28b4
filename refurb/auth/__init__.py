"""Users, organisations, memberships with a role, API tokens, sign-in and the access rules."""
