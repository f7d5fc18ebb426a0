"""The bundled example town, scored through the command line as a user
would: the vetoed community's trail, the top-ranked one, ties, JSON."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


def booklet(*args):
    env = dict(os.environ, PYTHONIOENCODING="utf-8")
    r = subprocess.run([sys.executable, "-m", "booklet", *args], cwd=REPO, capture_output=True,
                       text=True, env=env, timeout=300)
    assert r.returncode == 0, r.stderr
    return r.stdout


@pytest.fixture(scope="module")
def q3():
    return json.loads(booklet("score", "--rubric", "hutang-2017", "--period", "2017-Q3",
                              "--format", "json"))


def test_example_validates_without_errors():
    out = booklet("validate")
    assert "5 个考核细则" in out and "72 个单位" in out


def test_vetoed_community_explained(q3):
    (r,) = [x for x in q3 if x["unit"] == "hutang-37"]
    assert r["vetoed"] and r["grade"] == "一票否决"
    (veto,) = r["vetoes"]
    assert veto["id"] == "3" and "4次（含）及以上没有开展巡逻" in veto["text"]
    # four monthly inspections found no patrol: 24 − 4 × 5 = 4 on item 6 (每发现1次…扣5分)
    item6 = next(i for i in r["items"] if i["number"] == "6")
    assert item6["score"] == 4
    assert sorted(a["origin"] for a in item6["adjustments"]) == ["2017-07", "2017-07", "2017-08", "2017-09"]
    # vetoed units rank after every unit that is not vetoed
    not_vetoed = [x["rank"] for x in q3 if not x["vetoed"]]
    assert r["rank"] > max(not_vetoed)
    text = booklet("score", "--rubric", "hutang-2017", "--period", "2017-Q3", "--explain", "hutang-37")
    assert "华阳社区" in text and "一票否决" in text
    assert text.count("【no-patrol】") == 4
    assert "assessments/hutang-2017/2017-07/hutang-37.02.yml" in text


def test_top_ranked_community_explained(q3):
    best = max(Decimal(str(x["total"])) for x in q3 if not x["vetoed"])
    top = [x for x in q3 if x["rank"] == 1]
    assert top and all(Decimal(str(x["total"])) == best for x in top)
    # the total is the sum of the item scores plus the rubric-wide adjustments
    for x in top:
        s = sum(Decimal(str(i["score"])) for i in x["items"])
        s += sum(Decimal(str(a["amount"])) for a in x["rubric_adjustments"])
        assert s == Decimal(str(x["total"]))
    text = booklet("score", "--rubric", "hutang-2017", "--period", "2017-Q3", "--explain", top[0]["unit"])
    assert "第1名" in text


def test_ties_share_a_rank_and_the_next_rank_skips(q3):
    totals = {}
    for x in q3:
        if not x["vetoed"]:
            totals.setdefault(x["total"], []).append(x["rank"])
    ties = {t: ranks for t, ranks in totals.items() if len(ranks) > 1}
    assert ties, "the example town has ties"
    for t, ranks in ties.items():
        assert len(set(ranks)) == 1
        better = sum(1 for x in q3 if not x["vetoed"] and x["total"] > t)
        assert ranks[0] == better + 1


def test_csv_is_excel_friendly():
    out = subprocess.run([sys.executable, "-m", "booklet", "score", "--rubric", "shequ-2022", "--format", "csv"],
                         cwd=REPO, capture_output=True, timeout=300)
    assert out.returncode == 0
    assert out.stdout.startswith(b"\xef\xbb\xbf")
    assert "排名" in out.stdout.decode("utf-8-sig").splitlines()[0]
