"""Every write of 民主测评 and 考核, by sub-domain; import them from here (``from assessment.services import X``).

    sessions     ballot_session_create
    transitions  ballot_session_transition (the one entry for open / close / void, by assessment.workflow);
                 session_open, session_close, session_void
    codes        codes_issue_groups (several groups in one step; plain codes returned exactly once), codes_issue
                 (one group), code_revoke (a lost slip), codes_void_unused (unused codes void; close does it too)
    pool         the sealed pool of an open session's ballots: pool_write_out (shuffled, at close),
                 ballot_tables_vacuum (after commit, by the Celery task assessment.vacuum_ballot_tables)
    voting       code_check, ballot_submit (anonymous; no actor on purpose; pools a sealed ballot)
    paper        paper_issued_set, paper_ballots_enter
    assessments  annual_assessments_save, periodic_assessment_create, resident_evaluation_create,
                 resident_sample_verify, term_review_create

The tally is a read: ``assessment.selectors.tally`` (the frozen result, only once closed) and
``assessment.selectors.turnout`` (counts only, any status).
"""
from .assessments import (
    AnnualSaveResult,
    annual_assessments_save,
    periodic_assessment_create,
    resident_evaluation_create,
    resident_sample_verify,
    term_review_create,
)
from .codes import MAX_CODES_PER_ISSUE, code_revoke, codes_issue, codes_issue_groups, codes_void_unused
from .pool import ballot_tables_vacuum, pool_write_out
from .paper import PaperEntryResult, paper_ballots_enter, paper_issued_set
from .sessions import MAX_TARGETS, ballot_session_create
from .transitions import ballot_session_transition, session_close, session_open, session_void
from .voting import (
    MSG_FOREIGN,
    MSG_FORMAT,
    MSG_NO_SESSION,
    MSG_NOT_OPEN,
    MSG_REVOKED,
    MSG_UNKNOWN,
    MSG_USED,
    ballot_submit,
    code_check,
)

__all__ = [
    "MAX_CODES_PER_ISSUE",
    "MAX_TARGETS",
    "MSG_FOREIGN",
    "MSG_FORMAT",
    "MSG_NOT_OPEN",
    "MSG_NO_SESSION",
    "MSG_REVOKED",
    "MSG_UNKNOWN",
    "MSG_USED",
    "AnnualSaveResult",
    "PaperEntryResult",
    "annual_assessments_save",
    "ballot_session_create",
    "ballot_tables_vacuum",
    "ballot_session_transition",
    "ballot_submit",
    "code_check",
    "code_revoke",
    "codes_issue",
    "codes_issue_groups",
    "codes_void_unused",
    "paper_ballots_enter",
    "paper_issued_set",
    "periodic_assessment_create",
    "pool_write_out",
    "resident_evaluation_create",
    "resident_sample_verify",
    "session_close",
    "session_open",
    "session_void",
    "term_review_create",
]
