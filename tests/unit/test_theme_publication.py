"""Matching themes across runs and planning a publication: pure functions, no app."""

from __future__ import annotations

from assessments.theme_publication import (
    MIN_OVERLAP,
    RunTheme,
    jaccard,
    match_themes,
    plan_publication,
)


def ids(*ranges: range) -> frozenset[int]:
    return frozenset(i for r in ranges for i in r)


def test_jaccard():
    assert jaccard(ids(range(4)), ids(range(2, 6))) == 2 / 6
    assert jaccard(frozenset(), frozenset()) == 0.0


def test_each_new_theme_takes_the_old_theme_it_shares_most_with_one_to_one():
    old = {10: ids(range(0, 10)), 11: ids(range(10, 20)), 12: ids(range(20, 30))}
    # 1 is mostly old 11, 2 mostly old 10, 3 overlaps old 10 too but less: one-to-one
    new = {1: ids(range(11, 21)), 2: ids(range(0, 8)), 3: ids(range(7, 10), range(40, 45))}
    assert match_themes(old, new) == {1: 11, 2: 10}


def test_the_assignment_maximises_the_total_overlap_not_each_themes_own_best():
    old = {10: ids(range(0, 10)), 11: ids(range(20, 24), range(30, 33))}
    # new 1 shares most with old 10 (5/14) and a little less with old 11 (4/12); new 2
    # shares only with old 10 (5/10). Taking new 1's best first would leave new 2 alone.
    new = {1: ids(range(5, 10), range(20, 24)), 2: ids(range(0, 5))}
    assert jaccard(new[1], old[10]) > jaccard(new[1], old[11]) > 0.3
    assert match_themes(old, new) == {1: 11, 2: 10}


def test_a_small_overlap_is_no_match():
    old = {10: ids(range(0, 10))}
    new = {1: ids(range(0, 2), range(50, 58))}  # 2 of 18: 0.11
    assert jaccard(new[1], old[10]) < MIN_OVERLAP
    assert match_themes(old, new) == {}
    assert match_themes({}, new) == {}
    assert match_themes(old, {}) == {}


def test_renames_placements_and_items_follow_the_matched_theme():
    old = [
        RunTheme(10, "需求变更频繁", ids(range(0, 10)), label_edited=True),
        RunTheme(11, "test / bugs / 缺陷", ids(range(10, 20))),
        RunTheme(12, "供应商交期", ids(range(20, 25)), label_edited=True),
    ]
    new = [
        RunTheme(1, "需求 / 变更", ids(range(0, 9), range(30, 32))),
        RunTheme(2, "测试 / 缺陷", ids(range(9, 20))),
        RunTheme(3, "会议 / 太多", ids(range(20, 25), range(40, 60))),  # 5/25: old 12 gone
    ]
    # finding 5 was moved by the PMO to old 10 and the new run put it there too; finding 12
    # was moved to old 11 and the new run put it in 1; finding 21 was confirmed in old 12
    plan = plan_publication(
        old,
        new,
        placements={5: "moved", 12: "moved", 21: "confirmed"},
        items={10: [100, 101], 12: [102]},
        previous_run_id=7,
    )
    assert plan.matches == {1: 10, 2: 11}
    assert plan.renames == {1: "需求变更频繁"}
    assert plan.placements == {5: (1, "moved"), 12: (2, "moved")}
    assert plan.items == {100: 1, 101: 1}
    assert plan.merges == {}
    changes = plan.changes.as_dict()
    assert changes["previous_run_id"] == 7
    assert changes["new"] == [{"id": 3, "label": "会议 / 太多", "size": 25}]
    assert changes["gone"] == [{"id": 12, "label": "供应商交期", "size": 5, "items": [102]}]
    assert changes["renamed"] == [{"id": 1, "label": "需求变更频繁", "generated": "需求 / 变更"}]
    assert changes["items_kept"] == [{"id": 102, "theme": 12, "label": "供应商交期"}]
    assert [row["id"] for row in changes["items_relinked"]] == [100, 101]
    assert changes["findings_carried"] == 2
    assert changes["findings_moved"] == 0  # both already where the PMO put them
    assert changes["findings_dropped"] == 1  # its old theme is gone


def test_a_moved_finding_the_new_run_placed_elsewhere_is_moved_back():
    old = [RunTheme(10, "a", ids(range(0, 10))), RunTheme(11, "b", ids(range(10, 20)))]
    new = [RunTheme(1, "a2", ids(range(0, 11))), RunTheme(2, "b2", ids(range(11, 20)))]
    plan = plan_publication(old, new, placements={10: "moved"})
    assert plan.placements == {10: (2, "moved")}
    changes = plan.changes
    assert changes.findings_moved == 1
    assert changes.grown == ()
    assert changes.shrunk == ()  # 10 and 10: the move made the sizes equal again


def test_a_pmo_merge_is_applied_again_when_the_new_run_splits_the_theme():
    merged = RunTheme(10, "职责不清", ids(range(0, 20)), label_edited=True, merged=True)
    old = [merged, RunTheme(11, "b", ids(range(20, 30)))]
    new = [
        RunTheme(1, "x", ids(range(0, 12))),  # matched to 10 (12/20)
        RunTheme(2, "y", ids(range(12, 20))),  # the other half of the PMO's merge
        RunTheme(3, "z", ids(range(20, 30))),
    ]
    plan = plan_publication(old, new, items={10: [100]})
    assert plan.matches == {1: 10, 3: 11}
    assert plan.merges == {2: 1}
    assert plan.items == {100: 1}
    changes = plan.changes.as_dict()
    assert changes["merged"] == [{"id": 1, "label": "职责不清", "absorbed": "y"}]
    assert changes["new"] == []
    assert changes["gone"] == []
    assert changes["grown"] == changes["shrunk"] == []


def test_a_theme_the_pmo_did_not_merge_is_not_merged():
    old = [RunTheme(10, "a", ids(range(0, 20)))]
    new = [RunTheme(1, "x", ids(range(0, 12))), RunTheme(2, "y", ids(range(12, 20)))]
    plan = plan_publication(old, new)
    assert plan.merges == {}
    assert [row["id"] for row in plan.changes.new] == [2]
    assert plan.changes.shrunk == ({"id": 1, "label": "x", "before": 20, "after": 12},)


def test_the_first_publication_has_only_new_themes():
    new = [RunTheme(1, "x", ids(range(0, 3))), RunTheme(2, "y", ids(range(3, 5)))]
    changes = plan_publication([], new).changes.as_dict()
    assert changes["previous_run_id"] is None
    assert [row["size"] for row in changes["new"]] == [3, 2]
    assert changes["gone"] == changes["renamed"] == changes["items_relinked"] == []


def test_a_theme_that_shares_a_pmo_name_takes_the_name_of_the_theme_it_continues():
    old = [
        RunTheme(10, "需求反复变更", ids(range(0, 10)), label_edited=True),
        RunTheme(11, "测试 / 缺陷", ids(range(10, 20))),
    ]
    # the new run named its second theme after the PMO's name (seeded by moved findings)
    new = [
        RunTheme(1, "需求 / 变更", ids(range(0, 10))),
        RunTheme(2, "需求反复变更", ids(range(10, 20))),
        RunTheme(3, "需求反复变更", ids(range(30, 40))),  # matched to nothing
    ]
    plan = plan_publication(old, new)
    assert plan.renames == {1: "需求反复变更"}
    assert plan.relabels == {2: "测试 / 缺陷", 3: "需求反复变更 (2)"}
    assert [row["label"] for row in plan.changes.relabelled] == ["测试 / 缺陷", "需求反复变更 (2)"]
