"""A record with a few more attributes for its response schema (a site with its park, a visit
with the incidents it opened), so that the route returns objects and the schema dumps once."""


class Shown:
    def __init__(self, record, **extra):
        self._record = record
        self.__dict__.update(extra)

    def __getattr__(self, name):
        return getattr(self._record, name)
