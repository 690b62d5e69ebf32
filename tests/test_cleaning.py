import pandas as pd
import pytest

from presslens import cleaning


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Russia’s “red lines”", 'Russia\'s "red lines"'),
        ("Kyiv – Moscow — Minsk", "Kyiv - Moscow - Minsk"),
        ("a\u00a0b\u200bc", "a bc"),
        ("ﬁrst  second\t third", "first second third"),
        ("line one\n\n\n  line two  ", "line one\nline two"),
        ("part one. * * * Part two", "part one.\nPart two"),
        ("«Special operation»", '"Special operation"'),
    ],
)
def test_normalise(text, expected):
    assert cleaning.normalise(text) == expected


# Real lines from the data: the seed and the Guardian and NYT study files.
@pytest.mark.parametrize(
    "line, rule",
    [
        (" News Source :Except for the headline, this story has not been edited by Rashtra News staff "
         "and is published from a www.indiatoday.in feed.", "syndication"),
        ("ALSO READ: Russia engages New Delhi to abstain hours before vote on Ukraine at UNSC", "also_read"),
        ("Sign up to First Edition, our free daily newsletter - every weekday morning at 7am BST", "newsletter"),
        ("Sign up to the daily Business Today email or follow Guardian Business on Twitter at @BusinessDesk",
         "newsletter"),
        ("Sign up", "newsletter"),
        ("First Thing is delivered to thousands of inboxes every weekday. If you're not already signed up, "
         "subscribe now.", "newsletter_info"),
        ("Nomin Chinbat. Photograph: World Economic Forum", "photo_caption"),
        ("A man stands inside an apartment damaged by a Russian military strike in Kharkiv on Saturday. "
         "Photograph: Reuters", "photo_caption"),
        ("Follow The New York Times Opinion section on Facebook, Twitter (@NYTopinion) and Instagram.", "follow_us"),
    ],
)
def test_boilerplate_rules_match_real_lines(line, rule):
    text, removed = cleaning.strip_boilerplate(f"Kept sentence.\n{line}\nAnother kept one.")
    assert text == "Kept sentence.\nAnother kept one."
    assert removed == [(rule, line)]


@pytest.mark.parametrize(
    "line",
    [
        "Russia also wants NATO and the United States to foreswear the deployment of missile systems.",
        "Voters were asked to sign up for the scheme, the minister said.",
        "The photograph of the summit was widely shared.",
        "Erdogan has tried to position Turkey as a neutral mediator close to both Moscow and Kyiv.",
    ],
)
def test_boilerplate_rules_keep_article_text(line):
    assert cleaning.strip_boilerplate(line) == (line, [])


def test_every_rule_is_named_once_and_explained():
    names = [r.name for r in cleaning.BOILERPLATE_RULES]
    assert len(names) == len(set(names))
    assert all(r.why for r in cleaning.BOILERPLATE_RULES)


@pytest.mark.parametrize(
    "title, text, expected",
    [
        ("On December 16, Vladimir Putin will hold talks",
         "On December 16, Vladimir Putin will hold talks. The leaders will meet.", "The leaders will meet."),
        ("Talks", "Talks went on.", "Talks went on."),  # too short to be a repeated headline
        ("Talks in Geneva today", "Talks in Geneva today ended early.", "ended early."),
        ("Talks in Geneva", "Talks in Genevan style.", "Talks in Genevan style."),
        ("Sanctions will follow", "Sanctions will follow", "Sanctions will follow"),  # headline-only
    ],
)
def test_strip_repeated_title(title, text, expected):
    assert cleaning.strip_repeated_title(title, text) == expected


# A hand-made test set for the sentence splitter: the traps of news English.
SPLITS = [
    ("NATO met. Russia replied.", ["NATO met.", "Russia replied."]),
    ("Mr. Biden spoke. Mrs. Smith and Dr. Jones listened.",
     ["Mr. Biden spoke.", "Mrs. Smith and Dr. Jones listened."]),
    ("The U.S. and the U.K. agreed on Feb. 24 to act.", ["The U.S. and the U.K. agreed on Feb. 24 to act."]),
    ("Troops left the U.S. The talks went on.", ["Troops left the U.S.", "The talks went on."]),
    ("He said: \"We will win.\" Then he left.", ["He said: \"We will win.\"", "Then he left."]),
    ("\"Is this war?\" she asked. \"Yes!\"", ["\"Is this war?\" she asked.", "\"Yes!\""]),
    ("It cost 3.5 billion dollars. Prices rose 2.4%.", ["It cost 3.5 billion dollars.", "Prices rose 2.4%."]),
    ("Gen. Milley and Lt. Col. Vindman testified.", ["Gen. Milley and Lt. Col. Vindman testified."]),
    ("One line\nAnother line", ["One line", "Another line"]),
    ("J. Smith wrote this. It was fine.", ["J. Smith wrote this.", "It was fine."]),
    ("Wait... what happened? Nobody knows.", ["Wait... what happened?", "Nobody knows."]),
    ("(This is an aside.) The main text follows.", ["(This is an aside.)", "The main text follows."]),
    ("In 2022. 24 February changed it.", ["In 2022.", "24 February changed it."]),
    ("lower case after a stop. does not split", ["lower case after a stop. does not split"]),
    ("Vladimir Putin: Colleagues, good afternoon. Let us begin.",
     ["Colleagues, good afternoon.", "Let us begin."]),
    ("Speech at the meeting President of Russia Vladimir Putin: Friends, welcome.",
     ["Speech at the meeting", "Friends, welcome."]),
    ("Namely: we must act.", ["Namely: we must act."]),
    ("The talks ended at 5 p.m. on Friday.", ["The talks ended at 5 p.m. on Friday."]),
]


@pytest.mark.parametrize("text, expected", SPLITS)
def test_split_sentences(text, expected):
    assert cleaning.split_sentences(text) == expected


def test_speaker_labels_carry_until_the_next_label():
    text = ("The talks took place in the Kremlin. Vladimir Putin: Good afternoon. Please, go ahead. "
            "Alexander Lukashenko: Thank you. Question: What about NATO? Dmitry Peskov: No comment.")
    assert cleaning.split_with_speakers(text) == [
        ("The talks took place in the Kremlin.", None),
        ("Good afternoon.", "Vladimir Putin"),
        ("Please, go ahead.", "Vladimir Putin"),
        ("Thank you.", "Alexander Lukashenko"),
        ("What about NATO?", "Question"),
        ("No comment.", "Dmitry Peskov"),
    ]


def _articles(rows):
    frame = pd.DataFrame(rows, columns=["article_id", "date", "url", "text"])
    frame["date"] = pd.to_datetime(frame["date"])
    return frame


LONG = ("Russia won China's backing in its showdown with the West over Ukraine on Friday, as Beijing "
        "agreed with Moscow that the US-led NATO military alliance should not admit new members, and "
        "the two sides set out a long list of shared complaints about Washington and its allies in "
        "Europe and the Asia-Pacific region, according to a joint statement released after the talks.")


def test_find_duplicates_reports_each_pass_and_keeps_the_earliest():
    near = LONG.replace("on Friday", "on Friday evening")
    articles = _articles(
        [
            ("a", "2022-02-04", "https://x.org/1", LONG),
            ("b", "2022-02-05", "https://y.org/2", LONG.upper()),  # same words: exact copy
            ("c", "2022-02-03", "https://x.org/3", "A short unrelated item."),
            ("d", "2022-02-06", "https://www.x.org/3/", "Another text at the same address."),
            ("e", "2022-02-07", "https://z.org/5", near),
            ("f", "2022-02-08", "", "Short, no URL."),
            ("g", "2022-02-09", "", "Another short one."),
        ]
    )
    report = cleaning.find_duplicates(articles).set_index("article_id")
    assert sorted(report.index) == ["b", "d", "e"]
    assert report.loc["b", ["kept_id", "reason"]].tolist() == ["a", "exact copy"]
    assert report.loc["d", ["kept_id", "reason"]].tolist() == ["c", "repeated URL"]
    assert report.loc["e", ["kept_id", "reason"]].tolist() == ["a", "near duplicate"]
    assert 0.8 <= report.loc["e", "similarity"] < 1



def test_articles_whose_url_is_a_bare_scheme_share_no_url():
    # A feed that gives "https://" for every article (no address) must not make them copies.
    articles = _articles([("a", "2022-02-04", "https://", "One story about the talks."),
                          ("b", "2022-02-05", "HTTPS://", "A different story about the summit."),
                          ("c", "2022-02-06", "https:///", "A third story, about sanctions.")])
    assert cleaning.find_duplicates(articles).empty

def test_near_duplicate_jaccard_matches_a_hand_count():
    words_a = [f"w{i}" for i in range(40)]
    words_b = words_a[:30] + [f"x{i}" for i in range(10)]
    # 36 shingles each; the first 26 (start 0..25) are shared: J = 26 / (36 + 36 - 26).
    matrix = cleaning.shingle_matrix([words_a, words_b])
    overlap = (matrix @ matrix.T).toarray()
    assert overlap[0, 0] == overlap[1, 1] == 36
    assert overlap[0, 1] == 26
    found = list(cleaning._near_pairs(["a", "b"], [words_a, words_b], threshold=0.5))
    assert found == [("b", "a", pytest.approx(26 / 46))]
    assert list(cleaning._near_pairs(["a", "b"], [words_a, words_b], threshold=0.6)) == []


def _pair_with_shared_shingles(shared: int) -> tuple[str, str]:
    """Two 40-word texts whose word 5-gram sets (36 each) share ``shared`` shingles: B is A's first
    ``shared + 4`` words, then new words. Jaccard = shared / (72 - shared), counted by hand."""
    a = [f"alpha{i}" for i in range(40)]
    b = a[:shared + 4] + [f"beta{i}" for i in range(40 - shared - 4)]
    return " ".join(a), " ".join(b)


@pytest.mark.parametrize("shared, jaccard, duplicate", [
    (31, 31 / 41, False),  # 0.756: just below the threshold
    (32, 32 / 40, True),   # exactly 0.8: at the threshold counts ("at or above")
    (33, 33 / 39, True),   # 0.846: above
])
def test_the_near_duplicate_threshold_is_0_8_inclusive(shared, jaccard, duplicate):
    first, second = _pair_with_shared_shingles(shared)
    articles = _articles([("a", "2022-02-01", "https://x.org/a", first), ("b", "2022-02-02", "https://x.org/b", second)])
    report = cleaning.find_duplicates(articles)  # the package's default threshold
    assert (len(report) == 1) is duplicate
    if duplicate:
        assert report.iloc[0][["article_id", "kept_id", "reason"]].tolist() == ["b", "a", "near duplicate"]
        assert report.iloc[0]["similarity"] == pytest.approx(round(jaccard, 3))


def test_the_earliest_copy_is_kept_whatever_the_input_order():
    near = LONG.replace("on Friday", "on Friday evening")
    rows = [
        ("late", "2022-03-01", "https://z.org/late", LONG),
        ("early", "2022-02-01", "https://z.org/early", near),
        ("middle", "2022-02-15", "https://z.org/middle", LONG.lower()),
    ]
    expected = None
    for order in ([0, 1, 2], [2, 1, 0], [1, 0, 2], [0, 2, 1]):
        report = cleaning.find_duplicates(_articles([rows[i] for i in order])).set_index("article_id").sort_index()
        # By hand: "late" and "middle" have the same words (exact copy: the earlier, "middle", is
        # kept); then "middle" and "early" are near duplicates (the earlier, "early", is kept), so
        # the article kept instead of "late" is, in the end, "early".
        assert report.loc["late", ["kept_id", "reason"]].tolist() == ["early", "exact copy"]
        assert report.loc["middle", ["kept_id", "reason"]].tolist() == ["early", "near duplicate"]
        expected = report if expected is None else expected
        pd.testing.assert_frame_equal(report, expected)


def test_deduplication_is_idempotent():
    near = LONG.replace("on Friday", "on Friday evening")
    articles = _articles([("a", "2022-02-04", "https://x.org/1", LONG), ("b", "2022-02-05", "https://y.org/2", near),
                          ("c", "2022-02-06", "https://y.org/2", "Other words at the same address.")])
    report = cleaning.find_duplicates(articles)
    kept = articles[~articles["article_id"].isin(report["article_id"])]
    assert sorted(report["article_id"]) == ["b", "c"] and cleaning.find_duplicates(kept).empty


# --- language ---------------------------------------------------------------------------------------

ENGLISH = [
    "Russia and NATO met in Geneva on Monday.",
    "No vaccine, no French Open for Djokovic, says French Sports ministry",  # "no" is English too
    "Betrayer of Anne Frank revealed; man named Arnold van den Bergh",  # Dutch name, English sentence
    "Putin says West taking Russia's 'red lines' too lightly",  # a headline with no function word
    "Zelenskyy met Macron in Kyiv.",
    "",
]
NOT_ENGLISH = [
    ("Россия и НАТО провели переговоры в Женеве.", "not in the Latin alphabet"),
    ("البرتغالي ريكاردو سواريش مديرا فنيا جديدا للنادي الأهلي المصري", "not in the Latin alphabet"),
    ("Die Regierung hat nicht mit der NATO gesprochen und wird auch nicht.", "function words of other languages"),
    ("Las elecciones primarias de Florida 2022 están a la vuelta de la esquina", "function words of other languages"),
    ("La Russie et l'OTAN se sont réunies à Genève pour des négociations.", "function words of other languages"),
]


@pytest.mark.parametrize("text", ENGLISH)
def test_english_texts_are_not_flagged(text):
    assert cleaning.language_flag(text) is None


@pytest.mark.parametrize("text, why", NOT_ENGLISH)
def test_other_languages_are_flagged_with_the_reason(text, why):
    assert why in cleaning.language_flag(text)


def test_a_text_in_another_language_is_kept_and_flagged_in_the_notes(tmp_path):
    import presslens

    (tmp_path / "fr.txt").write_text("Brèves\n20220301\nhttps://example.org/fr\n" + NOT_ENGLISH[4][0] + "\n")
    (tmp_path / "en.txt").write_text("News\n20220301\nhttps://example.org/en\n" + ENGLISH[0] + "\n")
    corpus = presslens.load(tmp_path)
    assert len(corpus.articles) == 2  # kept: flagged, not dropped
    flags = corpus.notes[corpus.notes["kind"] == "language"]
    assert len(flags) == 1 and flags["path"].iloc[0].endswith("fr.txt")
    assert flags["value"].iloc[0] == corpus.articles.loc[corpus.articles["title"] == "Brèves", "article_id"].iloc[0]
