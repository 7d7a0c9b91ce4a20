class ApplicationError(Exception):
    """The one error type of the system: a Chinese message for the form, the API and the import report.

    ``errors`` optionally carries a list of per-item problems (e.g. import rows), each shaped like
    ``cadre.roster.RowIssue`` (row, column, value, message).
    """

    def __init__(self, message: str, *, errors=None, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.errors = list(errors or [])
        self.field = field

    def __str__(self):
        return self.message
