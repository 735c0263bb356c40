"""Pull Moodle courses into the store: cohorts, participants, enrolments, grades, completion.

A sync of one course has two phases:

1. **pull** (:func:`pull_course`): every web-service read, outside any database
   transaction: the enrolled users with their suspension status and language,
   all grades in one call, and course completion of the active students
   (``moodle_plugin_bridge.api`` gives the number of calls);
2. **apply** (:func:`apply_course`): the store writes, in the caller's
   transaction. Existing rows of the course are loaded in a few bulk queries
   into dicts, compared in Python, and only new or changed rows are written,
   in bulk. The apply phase first takes a lock (PostgreSQL: a
   transaction-level advisory lock; SQLite: its write lock), so syncs running
   at once (cron on several hosts) write one course at a time, each on what
   the previous one committed; the slow Moodle reads still run in parallel.

:func:`sync_courses` runs one separate transaction per course: a fault in a
course (a Moodle error mid-pull, a store error mid-apply) rolls that course
back to exactly what it was, is reported, and the other courses still sync.

What is stored, and the choices made:

* A Moodle course is a :class:`~lipassess.store.models.Cohort` (created on
  first sync); its category is a :class:`~lipassess.store.models.Program`
  (code ``moodle-category-<id>``, named after the category, created once and
  never renamed by a sync, so staff may rename it).
* Only users holding the ``student`` role become participants. Teachers and
  other roles are counted (``not_students``) but not stored: they answer no
  survey, and the store keeps no personal data it does not need.
* A participant is one Moodle user, shared by all their courses (one
  :class:`Participant`, one :class:`Enrolment` per course). Names and profile
  fields are stored exactly as Moodle holds them (Khmer script, ``&``, tags).
  Custom profile fields named in ``field_map`` fill ``ministry`` /
  ``province`` (or, for other targets, ``extra_fields[target]``); every other
  custom field is kept in ``extra_fields`` under its shortname. A field Moodle
  no longer sends becomes empty. A participant who withdrew
  (``withdrawn_at`` set) keeps what the store holds: their profile is not
  refreshed from Moodle.
* ``language`` is ``km`` for a Moodle language starting with ``km``, else
  ``en`` (the two survey languages).
* Nothing is ever deleted. A student no longer listed by Moodle (unenrolled,
  or no longer a student) gets ``Enrolment.status = unenrolled``; a suspended
  enrolment ``suspended``; survey answers are untouched. Grades, grade items
  and completions Moodle stops reporting (Moodle leaves suspended users out)
  keep their last synced value.
* Grades: every item Moodle shows the web-service user, plus the course
  total (``itemtype = "course"``, named "Course total"), with ``raw = None``
  when ungraded. ``GradeItem.grade_max`` is the largest maximum Moodle gives
  for the item (the course total's maximum varies per user under "aggregate
  only non-empty grades"); each grade's ``percentage`` uses that user's own
  range, as Moodle shows it.
* Completion is asked only for active students (Moodle refuses the question
  for suspended ones) not yet complete in the store: Moodle's course
  completion does not go back, so a no-change sync of a finished cohort
  costs a handful of calls. ``SyncOptions(full=True)`` (``lipassess sync
  --full``) asks every active student again.
* A student is never marked unenrolled on the strength of a participant
  list Moodle gave incomplete. Moodle gives no total, so three checks stand
  in for a count: the bridge ends the paged list only once a confirming read
  after the short page finds nobody, and refuses a record without a field
  Moodle always sends (``roles`` above all: without it the user would look
  like a non-student), naming the user; then :mod:`.guard` refuses to mark
  more than 10 % of a course's students (and more than 5) unenrolled in one
  run without ``allow_mass_unenrol`` (``--allow-mass-unenrol``). Each fails
  the course, which is left exactly as it was.
* ``Participant.synced_at`` is when the participant was last written from
  Moodle (created or changed); ``Cohort.synced_at`` when the course was last
  synced successfully.

Modules: :mod:`.pull` (the reads), :mod:`.apply` (the writes), :mod:`.rows`
(the one row comparison every write uses), :mod:`.profile_fields` (Moodle
user -> participant columns), :mod:`.guard` (the mass-unenrolment guard),
:mod:`.report` (what a sync did) and :mod:`.run` (the use cases).
"""

from lipassess.services.sync.apply import COURSE_TOTAL_NAME, apply_course
from lipassess.services.sync.guard import MAX_UNENROL_SHARE, UNENROL_FLOOR, MassUnenrolRefused
from lipassess.services.sync.profile_fields import (
    COLUMN_TARGETS,
    RESERVED_TARGETS,
    check_field_map,
    participant_values,
    survey_language,
)
from lipassess.services.sync.pull import STUDENT_ROLES, CoursePull, pull_course
from lipassess.services.sync.report import ENTITIES, Counts, CourseSyncReport, SyncReport, failed_report
from lipassess.services.sync.run import CallProgress, Progress, SyncOptions, sync_course, sync_courses

__all__ = [
    "COLUMN_TARGETS",
    "COURSE_TOTAL_NAME",
    "ENTITIES",
    "MAX_UNENROL_SHARE",
    "RESERVED_TARGETS",
    "STUDENT_ROLES",
    "UNENROL_FLOOR",
    "CallProgress",
    "Counts",
    "CoursePull",
    "CourseSyncReport",
    "MassUnenrolRefused",
    "Progress",
    "SyncOptions",
    "SyncReport",
    "apply_course",
    "check_field_map",
    "failed_report",
    "participant_values",
    "pull_course",
    "survey_language",
    "sync_course",
    "sync_courses",
]
