"""The comprehensive evaluation's arithmetic: technical mean, price formula, ranking."""

from fractions import Fraction

from apps.procurement.scoring import Proposed, price_score, ranking, shown, technical_score


def test_the_lowest_price_gets_the_full_price_points_and_a_double_price_half():
    assert price_score(price=100, lowest_price=100, price_points_max=30) == 30
    assert price_score(price=200, lowest_price=100, price_points_max=30) == 15
    assert price_score(price=120, lowest_price=100, price_points_max=30) == 25


def test_the_technical_score_is_the_mean_of_each_evaluators_summed_points():
    assert technical_score([50, 61]) == Fraction(111, 2)
    assert technical_score([]) == 0


def test_the_highest_total_ranks_first():
    results = ranking([Proposed(key=1, price=100, evaluator_sums=[40, 40]),
                       Proposed(key=2, price=100, evaluator_sums=[50, 60])], price_points_max=30)
    assert [(result.key, result.rank, result.total) for result in results] == [(2, 1, 85), (1, 2, 70)]


def test_on_an_equal_total_the_lower_price_ranks_first():
    # 1: technical 55 + price 30 (lowest) = 85; 2: technical 70 + price 15 = 85.
    results = ranking([Proposed(key=2, price=200, evaluator_sums=[70, 70]),
                       Proposed(key=1, price=100, evaluator_sums=[50, 60])], price_points_max=30)
    assert [(result.key, result.total, result.rank) for result in results] == [(1, 85, 1), (2, 85, 2)]


def test_proposals_equal_in_total_and_price_share_a_rank():
    results = ranking([Proposed(key=1, price=100, evaluator_sums=[60]),
                       Proposed(key=2, price=100, evaluator_sums=[60]),
                       Proposed(key=3, price=100, evaluator_sums=[10])], price_points_max=30)
    assert [result.rank for result in results] == [1, 1, 3]


def test_scores_are_exact_and_rounded_half_up_only_for_display():
    one_third = price_score(price=300, lowest_price=100, price_points_max=10)
    assert one_third == Fraction(10, 3)
    assert str(shown(one_third)) == "3.33"
    assert str(shown(Fraction(1, 8))) == "0.13"
