"""The judge-sandbox messages (autograder.sandbox.protocol): typed, strict and bounded on the
judge's side, where every message after the walls are up is the submission's to forge."""

import numpy as np
import pytest

from autograder.files import MAX_SUBMISSION_BYTES
from autograder.sandbox import protocol, wire
from autograder.sandbox.calls import Call, ErrorReport
from autograder.sandbox.protocol import Ask, CallBudget, CallRequest, ProtocolError, Question, Ready, Reply


def round_trip(message: protocol.Message, expected: tuple[type, ...]) -> protocol.Message:
    return protocol.parse(protocol.framed(message)[protocol.HEADER.size:], expected)


def test_every_message_round_trips():
    call = Call("loss", ({"w1": np.ones((2, 2), np.float32)}, 1.0, 2), {"step": 3}, ("grad",))
    assert round_trip(Ready(), (Ready,)) == Ready()
    assert round_trip(Ready(ErrorReport("E", "m", "w")), (Ready,)) == Ready(ErrorReport("E", "m", "w"))
    request = round_trip(CallRequest(call, "t0k"), (CallRequest,))
    assert request.token == "t0k" and request.call.function == "loss" and request.call.transforms == ("grad",)
    reply = Reply("t0k", wire.encode(np.arange(3.0)), programs=(5, 2))
    assert round_trip(reply, (Reply,)) == reply
    question = Question(Ask.VJP, "predict", wire.encode((1.0,)), wire.encode(2.0))
    assert round_trip(question, (Question,)) == question


def test_a_message_of_another_type_or_with_other_fields_is_refused():
    """The forged ready message of an old attack named a weaker wall: no field carries one."""
    for raw in (b'{"type":"ready","wall":"audit hook only"}', b'{"type":"walls-up"}',
                b'{"ready":true}', b'[]', b'{"type":"reply","token":"x"}', b'not json',
                b'{"type":"question","kind":"exec","name":"predict","args":null}'):
        with pytest.raises(ProtocolError):
            protocol.parse(raw, (Ready, Reply, Question))


def test_a_frame_of_millions_of_lists_is_refused_before_it_is_parsed():
    raw = b'{"type":"question","kind":"value","name":"p","args":[' + b"[]," * 1_000_000 + b"[]]}"
    with pytest.raises(ProtocolError, match="lists and objects"):
        protocol.parse(raw, (Question,))
    with pytest.raises(ProtocolError, match="bytes"):
        protocol.parse(b" " * (protocol.MAX_FRAME + 1), (Question,))


def test_a_call_may_ask_only_so_many_questions():
    budget = CallBudget()
    for _ in range(protocol.MAX_QUESTIONS_PER_CALL):
        budget.charge(10)
    with pytest.raises(ProtocolError, match="questions"):
        budget.charge(10)
    with pytest.raises(ProtocolError, match="MB"):
        CallBudget().charge(protocol.MAX_QUESTION_BYTES_PER_CALL + 1)


def test_text_fields_are_capped():
    raw = b'{"type":"ready","error":{"type":"' + b"T" * 10_000 + b'","message":"m"}}'
    report = protocol.parse(raw, (Ready,))
    assert report.error is not None and len(report.error.type_name) == 100


def test_text_from_a_child_shows_its_control_characters():
    """Escape sequences or invisible characters in an error must not act in a terminal or
    make one name look like another in a report."""
    raw = b'{"type":"ready","error":{"type":"E","message":"\\u001b[2Jrelu 8 / 8\\u200b"}}'
    message = protocol.parse(raw, (Ready,)).error.message
    assert message == "\\x1b[2Jrelu 8 / 8\\u200b" and "\x1b" not in message


def test_a_source_carries_the_exact_bytes_of_any_file_within_the_submission_bound():
    """Base64 on the wire: a file with a coding cookie, or bytes that are no UTF-8, arrive as
    they are; the bound is the one a submission file has (autograder.files)."""
    assert protocol.MAX_SOURCE == MAX_SUBMISSION_BYTES
    cookie = "# -*- coding: latin-1 -*-\nNAME = 'é'\n".encode("latin-1") + bytes(range(256))
    for data in (b"", cookie, b"x" * protocol.MAX_SOURCE):
        assert round_trip(protocol.Source(data), (protocol.Source,)) == protocol.Source(data)


def test_a_source_that_is_not_base64_too_large_or_with_other_fields_is_refused():
    too_large = protocol.framed(protocol.Source(b"x" * (protocol.MAX_SOURCE + 1)))[protocol.HEADER.size:]
    for raw in (b'{"type":"source","data":"not base64!"}', b'{"type":"source","data":7}',
                b'{"type":"source","data":"eA==","path":"/etc"}', b'{"type":"source"}',
                b'{"type":"source","data":"\\u00e9A=="}', too_large):
        with pytest.raises(ProtocolError, match="source"):
            protocol.parse(raw, (protocol.Source,))
