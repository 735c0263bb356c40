"""Open the waves that are due and send invitations and reminders through Moodle messaging.

One run (``lipassess dispatch``, from cron on any number of hosts):

1. **open** every wave whose window has started and that is not open yet
   (one conditional ``UPDATE ... RETURNING``, so exactly one host opens it), and
   **resolve** messages claimed more than :data:`CLAIM_TIMEOUT` ago whose run
   never recorded Moodle's answer: they become ``unknown``.
2. per open wave, repeatedly, until nothing is due:

   a. **claim** (one short transaction holding the wave's lock): the due
      messages become ``pending`` rows with ``claimed_at`` set (the unique
      ``(invitation, kind)`` constraint makes a second insert impossible;
      stored rows are taken with a compare-and-set ``UPDATE``); each gets a new
      personal link, while the link of the last message Moodle accepted stays
      valid (``Invitation.previous_token_hash``).
   b. **send** the batch with ``core_message_send_instant_messages``, outside
      any transaction.
   c. **record** each answer: ``sent`` (Moodle accepted it: the old link stops
      working), ``failed`` (Moodle refused it: an attempt counts, the old link
      is the link again), ``pending`` again with no claim (Moodle was not
      reached or refused the call: no attempt counts, the next run sends it) or
      ``unknown`` (the request went out and the answer was lost: it may have
      arrived, so both links keep working).

A failed batch stops the run (the CLI exits 1 with one line). Who gets what:
active student enrolments of the wave's cohort, not withdrawn, who have not
submitted and whose link staff have not revoked. The invitation first; reminder
*k* once the previous message was sent ``REMINDER_SPACING_DAYS`` ago, while the
wave is open.

Never twice: a message row exists at most once per invitation and kind. A
refused message is sent again on a later run, at most :data:`MAX_ATTEMPTS`
times (``--retry-failed`` goes past that). An unknown-fate message is never
sent again automatically (Moodle's web service offers no read of sent messages
in this site's service, and ``clientmsgid`` is only echoed, not deduplicated);
instead the participant's next message (a reminder, carrying a working link)
goes out :data:`UNKNOWN_GRACE` after it, so nobody is left without a link and
nobody gets the same invitation twice. ``--resend-unknown`` sends them again
once an operator has checked Moodle's message log; ``--stuck`` lists them.

``Message.body`` is the exact text sent, except the personal token, which is
replaced by ``[token]``: tokens are stored only as hashes.
"""

from lipassess.services.dispatch.due import CLAIM_TIMEOUT, MAX_ATTEMPTS, STATUSES, UNKNOWN_GRACE, Policy
from lipassess.services.dispatch.report import DispatchItem, DispatchReport, as_of_time
from lipassess.services.dispatch.run import BATCH_SIZE, LINK_PLACEHOLDER, Progress, dispatch
from lipassess.services.dispatch.send import TOKEN_MASK

__all__ = [
    "BATCH_SIZE",
    "CLAIM_TIMEOUT",
    "LINK_PLACEHOLDER",
    "MAX_ATTEMPTS",
    "STATUSES",
    "TOKEN_MASK",
    "UNKNOWN_GRACE",
    "DispatchItem",
    "DispatchReport",
    "Policy",
    "Progress",
    "as_of_time",
    "dispatch",
]
