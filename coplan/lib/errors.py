class Conflict(Exception):
    """A write that clashes with the record's state (an agreed decision edited, an
    idempotency key reused with a different body). The API answers 409."""

    def __init__(self, message: str, *, code: str = "conflict"):
        super().__init__(message)
        self.message = message
        self.code = code
