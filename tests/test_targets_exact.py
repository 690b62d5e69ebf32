"""Exact checks of presslens.targets, function by function (issue 18, mutation testing).

Guards what tests/test_targets.py checks only through ``mentions``: how a user's lexicon is read
and checked (:func:`read_lexicon`: defaults, kinds, dtypes, and error messages that name the file
and line), the regular expression built for one alias (``_alias_pattern``), how two aliases' words
are compared (``_words``, ``_relation``), how targets are split into passes (``_groups``), how
target names are resolved (``target_names``, ``_resolve``), ``overlap_notes``, ``literal_pattern``
and the tables of ``tag_sentences``.

The private helpers are called directly on purpose: ``mentions`` and ``overlaps`` go through two
``lru_cache``d functions (``_compiled``, ``_conflicts``), so a wrong helper can hide behind a
result cached earlier in the same process. Every expected value is worked out by hand in a comment.
"""
import re

import pandas as pd
import pytest

from presslens import targets

ALL_COLUMNS = {"target", "alias", "case_sensitive", "kind", "not_followed_by", "not_preceded_by", "note"}


def _match(pattern: str, text: str):
    """The text matched by ``pattern`` (an ``_alias_pattern``) searched in ``text``, or None."""
    found = re.search(pattern, text)
    return found.group(0) if found else None


def _write(tmp_path, text, name="mine.csv"):
    path = tmp_path / name
    path.write_text(text)
    return path


# --- read_lexicon: defaults -----------------------------------------------------------------------

def test_read_lexicon_gives_a_bare_frame_every_column_with_empty_defaults_and_kind_name():
    # Only the two required columns: the four optional text columns are added empty, kind is
    # "name", and no column is added besides these (no old index as a column).
    frame = pd.DataFrame({"target": ["OSCE", "OSCE"], "alias": ["OSCE", "Vienna"]})
    table = targets.read_lexicon(frame)
    assert set(table.columns) == ALL_COLUMNS
    for column in ("case_sensitive", "not_followed_by", "not_preceded_by", "note"):
        assert table[column].tolist() == ["", ""], column
    assert table["kind"].tolist() == ["name", "name"]
    assert table[["target", "alias"]].values.tolist() == [["OSCE", "OSCE"], ["OSCE", "Vienna"]]


def test_read_lexicon_renumbers_a_frame_and_counts_its_rows_from_one():
    # A frame with index 10, 11: the table comes back with rows 0, 1 and no extra column, and the
    # second row is "row 2" in a message, whatever its index was.
    frame = pd.DataFrame({"target": ["EU", "EU"], "alias": ["EU", "Brussels"]}, index=[10, 11])
    table = targets.read_lexicon(frame)
    assert table.index.tolist() == [0, 1] and set(table.columns) == ALL_COLUMNS
    with pytest.raises(ValueError, match=r"^<DataFrame>, row 2: empty target$"):
        targets.read_lexicon(frame.assign(target=["EU", "  "]))


def test_read_lexicon_keeps_given_columns_and_turns_missing_values_into_empty_strings():
    # A frame's None/NaN cells are empty strings, so a missing guard is no guard; what is given
    # is kept as given (a demonym stays a demonym, a guard stays).
    frame = pd.DataFrame({"target": ["Russia", "Russia"], "alias": ["Moscow", "Russians"],
                          "kind": ["name", "demonym"], "not_followed_by": [r"\s+Region", None],
                          "not_preceded_by": [None, "Soviet"], "case_sensitive": ["yes", None]})
    table = targets.read_lexicon(frame)
    assert table["kind"].tolist() == ["name", "demonym"]
    assert table["not_followed_by"].tolist() == [r"\s+Region", ""]
    assert table["not_preceded_by"].tolist() == ["", "Soviet"]
    assert table["case_sensitive"].tolist() == ["yes", ""]
    assert table["note"].tolist() == ["", ""]


def test_an_empty_kind_in_a_file_means_name(tmp_path):
    # "kind" is there but empty on line 2: that row is a name; line 3 stays a demonym.
    path = _write(tmp_path, "target,alias,kind\nRussia,Russia,\nRussia,Russians,demonym\n")
    assert targets.read_lexicon(path)["kind"].tolist() == ["name", "demonym"]


def test_read_lexicon_reads_every_cell_as_text(tmp_path):
    # A column of digits stays text ("1" means case-sensitive, as "yes" does), and an empty cell
    # is "", not a missing value.
    path = _write(tmp_path, "target,alias,case_sensitive,not_followed_by\nG7,G7,1,\nG7,Group of Seven,1,\n")
    table = targets.read_lexicon(path)
    assert table["case_sensitive"].tolist() == ["1", "1"]
    assert table["not_followed_by"].tolist() == ["", ""]
    assert [r[2] for r in targets._key(table, None)] == [True, True]
    assert targets.read_lexicon(str(path))["alias"].tolist() == ["G7", "Group of Seven"]


def test_read_lexicon_without_a_path_reads_the_projects_lexicon():
    table = targets.read_lexicon()
    assert table["target"].tolist()[:2] == ["NATO", "NATO"] and "Russia" in set(table["target"])
    assert targets.as_lexicon(None)["alias"].tolist() == table["alias"].tolist()


# --- read_lexicon: errors name the file and line --------------------------------------------------

def test_a_lexicon_file_without_the_alias_column_is_named_with_the_columns_it_needs(tmp_path):
    path = _write(tmp_path, "target,case_sensitive\nOSCE,yes\n")
    expected = (r"mine\.csv: missing columns \['alias'\] \(a lexicon has the columns of data/targets\.csv: "
                r"target, alias, case_sensitive, kind, not_followed_by, not_preceded_by, note\)$")
    with pytest.raises(ValueError, match=expected):
        targets.read_lexicon(path)
    with pytest.raises(ValueError, match=r"mine\.csv: missing columns \['alias', 'target'\]"):  # sorted
        targets.read_lexicon(_write(tmp_path, "name,note\nOSCE,x\n"))


def test_an_empty_target_or_alias_in_a_file_names_its_line(tmp_path):
    # Line 1 is the header, so the third row of data is line 4.
    path = _write(tmp_path, "target,alias\nEU,EU\nEU,Brussels\n ,Strasbourg\n")
    with pytest.raises(ValueError, match=r"mine\.csv:4: empty target$"):
        targets.read_lexicon(path)
    path = _write(tmp_path, "target,alias\nEU,\n", name="other.csv")
    with pytest.raises(ValueError, match=r"other\.csv:2: empty alias$"):
        targets.read_lexicon(path)


def test_an_empty_target_or_alias_in_a_frame_names_its_row():
    frame = pd.DataFrame({"target": ["EU", None], "alias": ["EU", "Brussels"]})
    with pytest.raises(ValueError, match=r"^<DataFrame>, row 2: empty target$"):
        targets.read_lexicon(frame)
    with pytest.raises(ValueError, match=r"^<DataFrame>, row 1: empty alias$"):
        targets.read_lexicon(frame.assign(target=["EU", "EU"], alias=[" ", "Brussels"]))


def test_a_bad_kind_names_the_line_and_the_kinds_allowed(tmp_path):
    path = _write(tmp_path, "target,alias,kind\nRussia,Russia,name\nRussia,Russians,demonym\nRussia,Moscow,city\n")
    with pytest.raises(ValueError, match=r"mine\.csv:4: kind 'city' must be one of \('name', 'demonym'\)$"):
        targets.read_lexicon(path)


def test_a_bad_guard_names_the_line_and_both_guards(tmp_path):
    path = _write(tmp_path, "target,alias,not_followed_by,not_preceded_by\nEU,EU,,\nEU,Brussels,[,Greater\n")
    with pytest.raises(ValueError, match=r"mine\.csv:3: not_followed_by '\[' or not_preceded_by 'Greater' "
                                         r"is not a valid regular expression \("):
        targets.read_lexicon(path)


# --- the pattern of one alias ---------------------------------------------------------------------

def test_alias_pattern_has_no_preceding_guard_unless_given():
    assert targets._alias_pattern("Trump", False, "") == targets._alias_pattern("Trump", False, "", "")
    assert _match(targets._alias_pattern("Trump", False, ""), "XXXX Trump said") == "Trump"


def test_alias_pattern_matches_a_multiword_alias_across_any_whitespace():
    pattern = targets._alias_pattern("North Atlantic Alliance", True, "")
    assert _match(pattern, "the North Atlantic Alliance met") == "North Atlantic Alliance"
    assert _match(pattern, "the North\nAtlantic  Alliance met") == "North\nAtlantic  Alliance"


@pytest.mark.parametrize("text, expected", [
    ("Russia said", "Russia"), ("Russia's army", "Russia's"), ("Russia\u2019s army", "Russia\u2019s"),
    ("Russias army", "Russias"), ("Russian army", None), ("RussiaToday", None),
])
def test_alias_pattern_takes_a_possessive_and_stops_at_the_end_of_a_word(text, expected):
    assert _match(targets._alias_pattern("Russia", True, ""), text) == expected


def test_an_alias_ending_in_a_full_stop_takes_no_possessive_and_needs_no_word_end():
    pattern = targets._alias_pattern("U.S.", True, "")
    assert _match(pattern, "the U.S.'s allies") == "U.S."
    assert _match(pattern, "U.S.-led talks") == "U.S."
    assert _match(pattern, "U.S.Army") == "U.S."


def test_alias_pattern_case():
    assert _match(targets._alias_pattern("Nato", False, ""), "NATO met") == "NATO"
    assert _match(targets._alias_pattern("Nato", True, ""), "NATO met") is None
    assert _match(targets._alias_pattern("Nato", True, ""), "Nato met") == "Nato"


def test_alias_pattern_guard_after_the_alias():
    pattern = targets._alias_pattern("Washington", True, r"\s+(?:Post|Times)")
    assert _match(pattern, "the Washington Post said") is None
    assert _match(pattern, "Washington said") == "Washington"
    assert _match(pattern, "Washington's allies") == "Washington's"


def test_alias_pattern_guards_before_the_alias_one_per_word():
    # "Latin|South": two words, each a guard; "North America" is not guarded here.
    pattern = targets._alias_pattern("America", True, "", "Latin|South")
    assert _match(pattern, "Latin America") is None
    assert _match(pattern, "South America") is None
    assert _match(pattern, "North America") == "America"
    assert _match(pattern, "America first") == "America"
    spaced = targets._alias_pattern("America", True, "", " Latin || South ")  # spaces and empty words ignored
    assert _match(spaced, "Latin America") is None and _match(spaced, "America first") == "America"


# --- comparing aliases ----------------------------------------------------------------------------

def test_words_are_the_lowercase_word_sequence_or_the_whole_alias():
    assert targets._words("Vladimir Putin") == ("vladimir", "putin")
    assert targets._words("Co-operation") == ("co", "operation")
    # No word character at all (a circled letter is a symbol): the whole alias, lower-cased, so
    # two such aliases that differ only in case are the same alias.
    assert targets._words("\u24b6") == ("\u24d0",)  # Ⓐ -> ⓐ
    assert targets._relation(targets._words("\u24b6"), targets._words("\u24d0")) == "same alias"


@pytest.mark.parametrize("a, b, expected", [
    (("putin",), ("putin",), "same alias"),
    (("putin",), ("peskov",), None),
    (("putin",), ("vladimir", "putin"), "inside"),
    (("vladimir", "putin"), ("putin",), "holds"),
    (("b",), ("a", "b", "c"), "inside"),  # in the middle
    (("a", "b", "c"), ("b", "c"), "holds"),  # at the end
    (("new", "york"), ("york", "times"), "overlapping"),  # the end of a is the start of b
    (("york", "times"), ("new", "york"), "overlapping"),  # the end of b is the start of a
    (("x", "new", "york"), ("york", "times"), "overlapping"),
    (("york", "times"), ("x", "new", "york"), "overlapping"),
    (("a", "b", "c"), ("b", "c", "d"), "overlapping"),  # two words in common
    (("x", "y"), ("z",), None),
    (("z",), ("x", "y"), None),
    (("a", "b"), ("c", "d"), None),
    (("a", "b"), ("b", "a", "c"), "overlapping"),  # a's end "b" starts b
    (("a", "b", "c"), ("c", "x", "a"), "overlapping"),
])
def test_relation_of_two_word_sequences(a, b, expected):
    assert targets._relation(a, b) == expected


def test_a_target_placed_after_the_one_it_clashes_with_gets_its_own_pass():
    # "Putin himself" comes first in the lexicon (its first alias clashes with nothing), then
    # Russia's "Putin", inside "Putin himself"'s later alias "Vladimir Putin". The two targets
    # compete for words, so they are two passes: "Putin himself" first, Russia second.
    frame = pd.DataFrame({"target": ["Putin himself", "Russia", "Putin himself"],
                          "alias": ["Vladimir Vladimirovich", "Putin", "Vladimir Putin"], "case_sensitive": "yes"})
    key = targets._key(targets.read_lexicon(frame), None)
    groups = targets._groups(key)
    assert [[r[:2] for r in group] for group in groups] == [
        [("Putin himself", "Vladimir Vladimirovich"), ("Putin himself", "Vladimir Putin")], [("Russia", "Putin")]]
    found = targets.mentions(["Vladimir Putin spoke"], lexicon=frame)
    assert found[["target", "start", "end"]].values.tolist() == [["Putin himself", 0, 14], ["Russia", 9, 14]]


# --- the lexicon key and target names -------------------------------------------------------------

def test_key_reads_case_sensitive_as_yes_true_or_1_in_any_case():
    frame = pd.DataFrame({"target": ["A", "A", "A", "A", "B"], "alias": ["a1", "a2", "a3", "a4", "b1"],
                          "case_sensitive": ["YES", " True ", "1", "", "no"],
                          "not_followed_by": ["x", "", "", "", ""], "kind": ["name", "demonym", "", "", ""]})
    key = targets._key(targets.read_lexicon(frame), None)
    assert [r[2] for r in key] == [True, True, True, False, False]
    assert key[0] == ("A", "a1", True, "x", "", "name") and key[1][5] == "demonym"
    assert targets._key(targets.read_lexicon(frame), ["B"]) == (("B", "b1", False, "", "", "name"),)


def test_target_names_resolve_any_case_in_the_order_given():
    assert targets.target_names(["nato", "Russia"]) == ["NATO", "Russia"]
    assert targets.target_names("china") == ["China"]  # one name, not its letters
    assert targets.target_names(["russia", "NATO", "Russia"]) == ["Russia", "NATO"]  # each once
    assert targets.target_names() == ["NATO", "Russia", "Ukraine", "United States", "China", "EU"]  # file order


def test_target_names_of_a_lexicon_of_ones_own():
    frame = pd.DataFrame({"target": ["OSCE", "EU", "OSCE"], "alias": ["OSCE", "EU", "Vienna"]})
    assert targets.target_names(lexicon=frame) == ["OSCE", "EU"]
    assert targets.target_names(["eu", "osce"], lexicon=frame) == ["EU", "OSCE"]
    with pytest.raises(ValueError, match=r"^unknown target 'NATO'; the lexicon has \['EU', 'OSCE'\]$"):
        targets.target_names(["NATO"], lexicon=frame)


def test_an_unknown_or_non_string_target_is_a_value_error_naming_the_lexicons_targets():
    listed = r"the lexicon has \['China', 'EU', 'NATO', 'Russia', 'Ukraine', 'United States'\]$"
    with pytest.raises(ValueError, match=r"^unknown target 'Narnia'; " + listed):
        targets.target_names(["NATO", "Narnia"])
    with pytest.raises(ValueError, match=r"^unknown target 5; " + listed):
        targets.target_names([5])
    with pytest.raises(ValueError, match=r"^unknown target None; "):
        targets.mentions(["NATO met"], [None])


# --- overlap notes, literal patterns, mentions, tag_sentences -------------------------------------

def test_overlap_notes_for_a_shared_alias_and_a_target_whose_name_has_a_comma():
    # Two targets, "Ukraine" and "Zelenskyy, Volodymyr", share "Zelensky": the note names both
    # targets in full (the second holds ", ").
    frame = pd.DataFrame({"target": ["Ukraine", "Zelenskyy, Volodymyr"], "alias": ["Zelensky", "Zelensky"]})
    assert targets.overlap_notes(lexicon=frame) == [
        "shared alias: 'Zelensky' names both Ukraine and Zelenskyy, Volodymyr; each target gets all its mentions"]


def test_overlap_notes_for_overlapping_aliases():
    # "New York" (city) and "York Times" (paper, named "Times, The"): the end of one is the start
    # of the other.
    frame = pd.DataFrame({"target": ["New York", "Times, The"], "alias": ["New York", "York Times"]})
    assert targets.overlap_notes(lexicon=frame) == [
        "overlapping aliases: 'New York' (New York) and 'York Times' (Times, The); each target gets all its mentions"]
    assert targets.overlap_notes() == []  # data/targets.csv: no two targets compete


def test_literal_pattern_matches_a_name_in_any_case_as_a_whole_word():
    pattern = targets.literal_pattern("Trump")
    assert [m.group(0) for m in pattern.finditer("Trump, TRUMP and trump's plan; Trumpet, .Trump, xTrump")] == [
        "Trump", "TRUMP", "trump's"]
    assert pattern.search("XXXX Trump").group(0) == "Trump"  # no word before it is a guard


@pytest.mark.parametrize("after", ["", "'s", "-led", "Army", "XXXX"])
def test_a_literal_mention_ending_in_a_full_stop_matches_whatever_follows(after):
    assert targets.literal_pattern("U.S.").search("the U.S." + after).span() == (4, 8)


def test_mentions_names_the_position_and_type_of_a_text_that_is_not_a_string():
    with pytest.raises(ValueError, match=r"^text 1 is int, not a string$"):
        targets.mentions(["NATO met", 5])


def test_tag_sentences_with_no_mention_at_all():
    sentences = pd.DataFrame({"sentence_id": ["s1", "s2"], "text": ["Nothing here.", "Nor here."]})
    flags, table = targets.tag_sentences(sentences, ["NATO"])
    assert flags.columns.tolist() == ["sentence_id", "text", "NATO", "NATO demonym only"]
    assert flags["NATO"].tolist() == [False, False] and flags["NATO demonym only"].tolist() == [False, False]
    assert table.columns.tolist() == ["sentence_id", "target", "alias", "start", "end", "kind"] and table.empty


def test_tag_sentences_adds_columns_only_for_the_targets_asked_for_and_a_clean_mention_table():
    sentences = pd.DataFrame({"sentence_id": ["s1", "s2"], "text": ["NATO and Russia met.", "Chinese officials said."]})
    flags, table = targets.tag_sentences(sentences, ["China", "NATO"])
    assert flags.columns.tolist() == ["sentence_id", "text", "China", "China demonym only", "NATO", "NATO demonym only"]
    assert flags["China demonym only"].tolist() == [False, True] and flags["NATO"].tolist() == [True, False]
    assert table.columns.tolist() == ["sentence_id", "target", "alias", "start", "end", "kind"]
    assert table.index.tolist() == [0, 1]
    assert table.values.tolist() == [["s1", "NATO", "NATO", 0, 4, "name"], ["s2", "China", "Chinese", 0, 7, "demonym"]]
