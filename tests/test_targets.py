import io

import pandas as pd
import pytest

from presslens import targets


def _found(text, which=None):
    table = targets.mentions([text], which)
    return [(r.target, r.alias, text[r.start:r.end]) for r in table.itertuples()]


@pytest.mark.parametrize(
    "text, expected",
    [
        # Real sentences from the seed and the study files.
        ("Russias relationship with the West was severely damaged in 2014 when it annexed the Crimean peninsula.",
         [("Russia", "Russia", "Russias")]),
        ("Russia’s invasion of Ukraine in February deepened that commitment.",
         [("Russia", "Russia", "Russia’s"), ("Ukraine", "Ukraine", "Ukraine")]),
        ("The Russian president said at a meeting with parliamentary leaders on Thursday.",
         [("Russia", "Russian", "Russian")]),
        ("Erdogan has tried to position Turkey, which is a member of NATO, as a neutral mediator.",
         [("NATO", "NATO", "NATO")]),
        ("The parties call on the North Atlantic Alliance to abandon the ideological approaches of the Cold War era.",
         [("NATO", "North Atlantic Alliance", "North Atlantic Alliance")]),
        ("Sir Stephen Lovegrove met his US counterpart at the Nato headquarters in Brussels.",
         [("United States", "US", "US"), ("NATO", "Nato", "Nato")]),
        ("Russia and China also said they were seriously concerned by the AUKUS defence alliance.",
         [("Russia", "Russia", "Russia"), ("China", "China", "China")]),
        ("The Russian Federation's position is well known.",
         [("Russia", "Russian Federation", "Russian Federation's")]),
        ("Putin will meet Xi in Beijing on Friday.",
         [("Russia", "Putin", "Putin"), ("China", "Xi", "Xi"), ("China", "Beijing", "Beijing")]),
        ("Moscow and Beijing hit out at what they said was Washingtons destabilising role.",
         [("Russia", "Moscow", "Moscow"), ("China", "Beijing", "Beijing"), ("United States", "Washington", "Washingtons")]),
        ("The Russia-Ukraine talks resumed.", [("Russia", "Russia", "Russia"), ("Ukraine", "Ukraine", "Ukraine")]),
        ("Russians queued at the border.", [("Russia", "Russians", "Russians")]),
        # A sentence-initial "The Alliance" is NATO too.
        ("The Alliance will not send troops to Ukraine.", [("NATO", "The Alliance", "The Alliance"), ("Ukraine", "Ukraine", "Ukraine")]),
        # The guards are narrow: America and the Russian state are still found next to them.
        ("America and Latin America disagree.", [("United States", "America", "America")]),
        ("Russian troops shelled a Russian-speaking town.", [("Russia", "Russian", "Russian")]),
    ],
)
def test_mentions_in_real_sentences(text, expected):
    assert _found(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Alliance of Independent Journalists",  # no "the", no match
        "the alliance between the two parties",  # lower case: any alliance
        "He read the Washington Post and the New York Times.",
        "The Moscow Region governor opened a school.",
        "Tickets for the Beijing Winter Olympics sold out.",
        "Let us talk about it.",  # "us" is not the US
        "The Prussian army and the Natoli family.",
        "Sign up for the RussiaToday newsletter.",
        # Not the Russian state: its language, its speakers, its literature, its Church.
        "Russian-speaking residents of Kharkiv queued for bread.",
        "She teaches Russian literature at the university.",
        "Schools stopped teaching in the Russian language.",
        "The Russian-language broadcast was cut.",
        "The Moscow Patriarchate's parishes in Ukraine split.",
        "Russian speaking families left the city.",
        # Not the United States.
        "Leaders from Latin America met in Brussels.",
        "The Latin American delegations abstained.",
        "South America and Central America sent observers.",
        # Not NATO: another alliance called "the Alliance of ..." or "for ...".
        "The Alliance for Peace held a rally.",
    ],
)
def test_false_friends_are_not_mentions(text):
    assert _found(text, ["NATO", "Russia", "United States", "China"]) == []


def test_mentions_table_and_targets_argument():
    table = targets.mentions(["NATO and Russia", "nothing here", "The Kremlin said"], "russia")
    assert list(table.columns) == targets.MENTION_COLUMNS
    assert table[["text_index", "target", "alias", "start", "end"]].values.tolist() == [
        [0, "Russia", "Russia", 9, 15], [2, "Russia", "Kremlin", 4, 11],
    ]
    with pytest.raises(ValueError, match="unknown target 'Narnia'"):
        targets.mentions(["x"], "Narnia")
    with pytest.raises(ValueError, match="not a string"):
        targets.mentions([None])


def test_users_add_targets_as_data(tmp_path):
    path = tmp_path / "mine.csv"
    path.write_text("target,alias,case_sensitive,not_followed_by\nOSCE,OSCE,yes,\nOSCE,Organization for Security and Co-operation in Europe,no,\n")
    lexicon = targets.read_lexicon(path)
    table = targets.mentions(["The OSCE mission left.", "the organization for security and co-operation in europe"], lexicon=lexicon)
    assert table["target"].tolist() == ["OSCE", "OSCE"]


def test_tag_sentences_flags_and_keys_by_sentence_id():
    sentences = pd.DataFrame({"sentence_id": ["a-0000", "a-0001"], "text": ["NATO met.", "Moscow replied."]})
    flags, table = targets.tag_sentences(sentences, ["NATO", "Russia"])
    assert flags[["NATO", "Russia"]].values.tolist() == [[True, False], [False, True]]
    assert table["sentence_id"].tolist() == ["a-0000", "a-0001"]
    assert sentences.columns.tolist() == ["sentence_id", "text"]  # input not mutated


def test_default_lexicon_has_the_six_targets():
    assert set(targets.read_lexicon()["target"]) == {"NATO", "Russia", "Ukraine", "United States", "China", "EU"}


def test_the_quick_test_skips_no_mention_on_the_study_corpus(study):
    # mentions() scans only texts whose lowercase form holds an alias's longest word; the full scan
    # of every text must find nothing more.
    texts = study.sentences["text"].tolist()
    lexicon = targets.read_lexicon()
    pattern, labels, _ = targets._compiled(targets._key(lexicon, None))
    full = [(i, *labels[m.lastindex - 1][:2], m.start(), m.end(), labels[m.lastindex - 1][2]) for i, t in enumerate(texts) for m in pattern.finditer(t)]
    assert [tuple(r) for r in targets.mentions(texts).itertuples(index=False)] == full


def test_characters_that_case_folding_maps_to_ascii_are_still_found(tmp_path):
    # Case-insensitive matching takes the long s for "s"; lower() does not, so the quick test must
    # let such a text through.
    path = tmp_path / "mine.csv"
    path.write_text("target,alias,case_sensitive,not_followed_by\nTest,Kiss,no,\n")
    table = targets.mentions(["they said ki\u017fs", "they said kiss", "nothing here"], lexicon=targets.read_lexicon(path))
    assert table["text_index"].tolist() == [0, 1]


def test_demonym_only_sentences_are_marked():
    sentences = pd.DataFrame({
        "sentence_id": ["s1", "s2", "s3", "s4"],
        "text": ["Russian troops advanced.", "Russia and Russian troops.", "The Kremlin said.", "NATO met."],
    })
    flags, table = targets.tag_sentences(sentences, ["Russia"])
    assert flags["Russia"].tolist() == [True, True, True, False]
    assert flags["Russia demonym only"].tolist() == [True, False, False, False]
    assert table["kind"].tolist() == ["demonym", "name", "demonym", "name"]


def test_a_bad_kind_names_the_line(tmp_path):
    path = tmp_path / "lexicon.csv"
    path.write_text("target,alias,kind\nRussia,Russia,name\nRussia,Russians,people\n")
    with pytest.raises(ValueError, match=r"lexicon\.csv:3: kind 'people'"):
        targets.read_lexicon(path)


# --- a target of your own, given as a lexicon file or a DataFrame (issue 17) -----------------------

ZELENSKYY = "Zelenskyy,Zelenskyy,,name,,,\nZelenskyy,Zelensky,,name,,,\nZelenskyy,Zelenskiy,,name,,,\nZelenskyy,Zelenskyi,,name,,,\n"


def _lexicon_file(tmp_path, rows, name="mine.csv"):
    path = tmp_path / name
    path.write_text("target,alias,case_sensitive,kind,not_followed_by,not_preceded_by,note\n" + rows)
    return path


def test_a_new_target_in_a_lexicon_file_works_in_mentions_and_tag_sentences(tmp_path):
    path = _lexicon_file(tmp_path, "OSCE,OSCE,yes,name,,,\nOSCE,Organization for Security and Co-operation in Europe,,name,,,\n")
    sentences = pd.DataFrame({"sentence_id": ["s1", "s2", "s3"],
                              "text": ["The OSCE mission left Donetsk.", "NATO met.", "The Organization for Security and Co-operation in Europe's report."]})
    found = targets.mentions(sentences["text"].tolist(), "osce", lexicon=path)
    assert found[["text_index", "target", "start", "end"]].values.tolist() == [[0, "OSCE", 4, 8], [2, "OSCE", 4, 4 + 52 + 2]]  # the alias, 52 characters, and "'s"
    flags, table = targets.tag_sentences(sentences, ["OSCE"], lexicon=path)  # was: TypeError
    assert flags["OSCE"].tolist() == [True, False, True] and table["sentence_id"].tolist() == ["s1", "s3"]
    flags, _ = targets.tag_sentences(sentences, lexicon=str(path))  # every target of the file
    assert [c for c in flags.columns if c not in sentences.columns] == ["OSCE", "OSCE demonym only"]
    with pytest.raises(ValueError, match=r"unknown target 'NATO'; the lexicon has \['OSCE'\]"):
        targets.tag_sentences(sentences, ["NATO"], lexicon=path)


def test_two_targets_that_share_aliases_each_get_every_mention(tmp_path):
    # Ukraine's aliases include Zelenskyy and Zelensky (case-sensitive); the new target has those
    # and two more spellings, in any case.
    path = _lexicon_file(tmp_path, "Ukraine,Ukraine,yes,name,,,\nUkraine,Kyiv,yes,name,,,\nUkraine,Zelenskyy,yes,name,,,\n"
                                   "Ukraine,Zelensky,yes,name,,,\n" + ZELENSKYY)
    sentences = pd.DataFrame({"sentence_id": ["s1", "s2", "s3", "s4"],
                              "text": ["Zelenskyy spoke in Kyiv.", "ZELENSKIY left.", "Ukraine waits.", "Zelensky's aide said so."]})
    together, table = targets.tag_sentences(sentences, ["Ukraine", "Zelenskyy"], lexicon=path)
    alone, _ = targets.tag_sentences(sentences, ["Zelenskyy"], lexicon=path)
    assert together["Zelenskyy"].tolist() == alone["Zelenskyy"].tolist() == [True, True, False, True]
    assert together["Ukraine"].tolist() == [True, False, True, True]
    # One span, a mention of each target; rows in the order of the text.
    assert table[["sentence_id", "target", "alias", "start", "end"]].values.tolist() == [
        ["s1", "Ukraine", "Zelenskyy", 0, 9], ["s1", "Zelenskyy", "Zelenskyy", 0, 9], ["s1", "Ukraine", "Kyiv", 19, 23],
        ["s2", "Zelenskyy", "Zelenskiy", 0, 9], ["s3", "Ukraine", "Ukraine", 0, 7],
        ["s4", "Ukraine", "Zelensky", 0, 10], ["s4", "Zelenskyy", "Zelensky", 0, 10],
    ]


def test_a_name_inside_another_targets_alias_counts_for_both():
    lexicon = pd.DataFrame({"target": ["Russia", "Putin himself"], "alias": ["Putin", "Vladimir Putin"], "case_sensitive": ["yes", "yes"]})
    found = targets.mentions(["Vladimir Putin's speech", "Putin spoke"], lexicon=lexicon)
    assert found[["text_index", "target", "start", "end"]].values.tolist() == [
        [0, "Putin himself", 0, 16], [0, "Russia", 9, 16], [1, "Russia", 0, 5]]


def test_overlaps_lists_shared_and_nested_aliases(tmp_path):
    assert targets.overlaps().empty  # data/targets.csv: no two targets compete for words
    assert len(targets._groups(targets._key(targets.read_lexicon(), None))) == 1  # so one pass, as before
    path = _lexicon_file(tmp_path, "Ukraine,Zelensky,yes,name,,,\nUkraine,Kyiv,yes,name,,,\nRussia,Putin,yes,name,,,\n" + ZELENSKYY
                         + "Putin himself,Vladimir Putin,yes,name,,,\n")
    table = targets.overlaps(lexicon=path)
    assert table.values.tolist() == [
        ["Zelensky", "Ukraine, Zelenskyy", "Zelensky", "same alias"],
        ["Putin", "Russia, Putin himself", "Vladimir Putin", "inside"],
    ]
    assert targets.overlaps(["Ukraine", "Russia"], lexicon=path).empty  # only among the targets asked for
    assert targets.overlap_notes(["Russia", "Putin himself"], lexicon=path) == [
        "overlapping aliases: 'Putin' (Russia) and 'Vladimir Putin' (Putin himself); each target gets all its mentions"]


def test_shared_aliases_lose_no_mention_on_the_study_corpus(need_study):
    import presslens

    need_study(["guardian", "nyt"])
    sentences = presslens.load(["guardian", "nyt"]).sentences
    lexicon = pd.concat([targets.read_lexicon(), pd.read_csv(io.StringIO("target,alias\n" + "\n".join(
        f"Zelenskyy,{a}" for a in ("Zelenskyy", "Zelensky", "Zelenskiy", "Zelenskyi"))))], ignore_index=True)
    together, _ = targets.tag_sentences(sentences, ["Ukraine", "Zelenskyy"], lexicon=lexicon)
    alone, _ = targets.tag_sentences(sentences, ["Zelenskyy"], lexicon=lexicon)
    ukraine, _ = targets.tag_sentences(sentences, ["Ukraine"])
    assert together["Zelenskyy"].sum() == alone["Zelenskyy"].sum() == 248  # the count when tagged alone
    assert together["Zelenskyy"].equals(alone["Zelenskyy"]) and together["Ukraine"].equals(ukraine["Ukraine"])


def test_read_lexicon_checks_a_dataframe_as_it_checks_a_file(tmp_path):
    frame = pd.DataFrame({"target": ["EU", "EU"], "alias": ["EU", "Brussels"], "case_sensitive": [True, False]})
    table = targets.read_lexicon(frame)
    assert table["kind"].tolist() == ["name", "name"]
    assert targets.mentions(["eu and Brussels, brussels"], lexicon=frame)["alias"].tolist() == ["Brussels", "Brussels"]
    with pytest.raises(ValueError, match=r"<DataFrame>, row 2: kind 'people'"):
        targets.read_lexicon(frame.assign(kind=["name", "people"]))
    with pytest.raises(ValueError, match=r"<DataFrame>, row 1: empty alias"):
        targets.read_lexicon(frame.assign(alias=[None, "Brussels"]))
    with pytest.raises(ValueError, match=r"<DataFrame>: missing columns \['alias'\]"):
        targets.read_lexicon(frame.drop(columns="alias"))
    path = _lexicon_file(tmp_path, "EU,EU,yes,name,,,\nEU,Brussels,yes,name,(unclosed,,\n")
    with pytest.raises(ValueError, match=r"mine\.csv:3: not_followed_by '\(unclosed'.*not a valid regular expression"):
        targets.read_lexicon(path)
