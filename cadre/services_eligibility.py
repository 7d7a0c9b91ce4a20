"""TEMPORARY: selection imported ``waiver_grant`` from here; it now lives in ``cadre.eligibility.services`` and is
re-exported by ``cadre.services``. Delete this file once nothing imports ``cadre.services_eligibility``."""
from cadre.eligibility.services import waiver_grant  # noqa: F401
