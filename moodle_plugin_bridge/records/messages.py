"""Moodle's answers to ``core_message_send_instant_messages``."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from moodle_plugin_bridge.errors import MoodleProtocolError
from moodle_plugin_bridge.records.base import (
    RECORD,
    BaseSchema,
    RecordMixin,
    UnixTime,
    load_answer,
    moodle_id,
    opt_str,
)


@dataclasses.dataclass(**RECORD)
class MessageResult(RecordMixin):
    """Moodle's answer for one message of ``core_message_send_instant_messages``.

    ``msgid`` is ``None`` when Moodle refused the message (its ``-1``) and
    ``errormessage`` then says why (recipient not contactable, unknown user).
    ``to_user_id`` is the recipient of the message sent at this position.
    """

    to_user_id: int
    msgid: int | None
    clientmsgid: str | None = None
    errormessage: str | None = None
    text: str | None = None
    timecreated: datetime | None = None
    conversationid: int | None = None

    _computed = ("ok",)

    @property
    def ok(self) -> bool:
        """Whether Moodle accepted this message."""
        return self.msgid is not None and not self.errormessage


class _MessageAnswerSchema(BaseSchema):
    msgid = moodle_id(smallest=-1, required=True)  # -1: Moodle refused this message
    clientmsgid = opt_str()
    errormessage = opt_str()
    text = opt_str()
    timecreated = UnixTime(load_default=None)
    conversationid = moodle_id(smallest=0, load_default=None, allow_none=True)


def load_message_results(
    function: str, body: Any, *, to_user_ids: Sequence[int]
) -> tuple[MessageResult, ...]:
    """Load ``core_message_send_instant_messages``: one answer per message sent, in order."""
    rows = load_answer(function, _MessageAnswerSchema(many=True), body, expect=list)
    if len(rows) != len(to_user_ids):
        raise MoodleProtocolError(
            f"{function}: Moodle answered {len(rows)} results for {len(to_user_ids)} messages; "
            "the messages' fate is unknown, check Moodle's message log before resending",
            function=function,
        )
    results = []
    for to_user_id, row in zip(to_user_ids, rows, strict=True):
        msgid = row["msgid"]
        results.append(
            MessageResult(
                to_user_id=to_user_id,
                msgid=None if msgid is None or msgid < 0 else msgid,
                clientmsgid=row["clientmsgid"],
                errormessage=row["errormessage"] or None,
                text=row["text"],
                timecreated=row["timecreated"],
                conversationid=row["conversationid"],
            )
        )
    return tuple(results)
