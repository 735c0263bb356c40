"""Observer ratings (issue 16): raters of a participant, their links, e-mail and answers.

Modules: :mod:`~lipassess.services.raters.roster` (CSV import by staff,
nomination by the participant), :mod:`~lipassess.services.raters.links`
(personal rater links, the participants' token rules),
:mod:`~lipassess.services.raters.survey` (the form, submitted exactly once),
:mod:`~lipassess.services.raters.mail` (invitations and reminders by SMTP),
:mod:`~lipassess.services.raters.roster_status` (counts and links for staff),
:mod:`~lipassess.services.raters.evidence` (observer scores and their analyses
for the summary, with the minimum-raters rule).
"""
