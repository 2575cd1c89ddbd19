"""The review's pages, one module per stage; `reviews/urls.py` names each view by its module.

SBNI staff, the CMR Panel and the review's own team see a review's records and drafts; the
referring panel sees its progress only; an agency contact sees its own requests only. Anyone else
gets 404, as for a review that does not exist.

- `common`: finding the review the user may see, the audit of a view, shared wording
- `lists`: the Reviews list
- `decision`: the SBNI Chair's decision and its amendment
- `overview`: the review's task list, and its referral as the review's people need it
- `team`: the team and the terms of reference
- `agency`: agency information (requests, reports, their files)
- `chronology`: the chronology, its import and export
- `findings`: the findings sections, autosave, preview, history, comments
- `actions`: recommendations, actions and their follow-up, learning themes
- `family`: the family's part: the liaison plan, the contacts with the family
- `approval`: approval and closure
- `timescale`: the review's own timescale, its pauses and extensions
- `documents`: the draft report, PDF exports, the publication version
- `history`: the review's history, a long text's changes line by line, who has viewed it
- `notices`: the notice of publication to the Department of Health
- `proceedings`: the parallel proceedings of the review's case (the referral's own pages)
- `monitoring`: the SBNI's monitoring figures of every case, and the records behind each
"""

from reviews.views import (
    actions,
    agency,
    approval,
    chronology,
    common,
    decision,
    documents,
    family,
    findings,
    history,
    lists,
    monitoring,
    notices,
    overview,
    proceedings,
    team,
    timescale,
)

__all__ = [
    "actions",
    "agency",
    "approval",
    "chronology",
    "common",
    "decision",
    "documents",
    "family",
    "findings",
    "history",
    "lists",
    "monitoring",
    "notices",
    "overview",
    "proceedings",
    "team",
    "timescale",
]
