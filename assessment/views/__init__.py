"""Pages of 民主测评 and 考核. Thin: forms check shape, services decide and write.

    sessions     list, create, detail, status moves (through services.ballot_session_transition), codes, paper
    results      the result page and workbook
    ballot       the anonymous ballot page
    assessments  年度考核, 季度/专项考核, 群众评价, 期满考核
"""
from .assessments import annual_entry, periodic, resident, resident_detail, term_reviews
from .ballot import ballot
from .results import chart_data, results, results_xlsx
from .sessions import code_revoke, codes_issue, codes_void_unused, paper_entry, paper_issued, session_create, session_detail, session_list, session_transition

__all__ = [
    "annual_entry",
    "ballot",
    "chart_data",
    "code_revoke",
    "codes_issue",
    "codes_void_unused",
    "paper_entry",
    "paper_issued",
    "periodic",
    "resident",
    "resident_detail",
    "results",
    "results_xlsx",
    "session_create",
    "session_detail",
    "session_list",
    "session_transition",
    "term_reviews",
]
