"""民主测评 (anonymous ballots) and 考核.

Public for other apps: ``services`` (every write; ``ballot_session_transition`` is the one entry for a session's
status moves), ``selectors`` (reads; ``tally`` is the only read of ballot contents), ``models``, ``workflow``
(the session's transition table).
"""
