"""Voices compared: every sentence naming NATO or Russia with its sentiment, stance and speaker,
aggregated by voice and week, by who holds the words, and by headline outlet.

The figures of notebook 05 are drawn here, so that a test can redraw them from the same data and
compare them with the committed files.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from presslens import attribution, paths, sentiment, stats, targets
from presslens import stance as stance_models

KEY_DATES = {"2022-02-04": "Putin-Xi joint statement", "2022-02-24": "Russian invasion"}
OUTLETS_FILE = paths.DATA_DIR / "outlets.csv"
SCORED_COLUMNS = [
    "sentence_id", "article_id", "voice", "date", "week", "target", "text", "toward", "stance", "kind",
    "speaker", "speaker_resolved", "demonym_only",
]


def score(sentences: pd.DataFrame, target_names=stance_models.TARGETS, *, held_out: bool = True, lexicon=None,
          stance: bool = True) -> pd.DataFrame:
    """Return one row per sentence and target it names: sentiment toward the target (VADER on the
    target's clause), predicted stance, who speaks (own voice or quoted, and the speaker), and
    ``demonym_only``: the sentence names the target only by a demonym ("Russian troops").

    ``target_names`` are targets of ``lexicon`` (a path or a DataFrame like ``data/targets.csv``,
    the default). Stance is predicted for NATO and Russia only: another target with ``stance``
    (the default) is a ValueError at once, before any work; with ``stance=False`` every target gets
    sentiment, mentions and speakers, and the ``stance`` column is empty (None).

    With ``held_out`` (the default), an annotated sentence gets its out-of-fold label
    (:func:`presslens.stance.held_out_labels`), never one from a model trained on it. Those labels
    come from a cross-validation of the study annotations, so it runs only when some sentence of
    ``sentences`` is annotated for its target (:func:`presslens.stance.annotated_pairs`)."""
    lexicon = targets.as_lexicon(lexicon)
    names = targets.target_names(target_names, lexicon=lexicon)
    if stance:
        without = [t for t in names if t not in stance_models.TARGETS]
        if without:
            raise ValueError(
                f"stance is predicted for NATO and Russia only, not for {', '.join(without)}; pass stance=False for "
                f"sentiment, mentions and speakers without stance (the stance column is then empty), and score NATO "
                f"and Russia with stance apart")
        stance_models.check_lexicon(names, lexicon, hint=", or pass stance=False")
    flagged, _ = targets.tag_sentences(sentences, names, lexicon=lexicon)
    who = attribution.attribute(sentences)
    frames = []
    for target in names:
        rows = flagged[flagged[target]]
        if rows.empty:
            continue
        texts = rows["text"].astype(object).tolist()
        frame = rows[["sentence_id", "article_id", "voice", "date", "text"]].copy()
        frame["target"] = target
        frame["demonym_only"] = rows[f"{target} demonym only"].to_numpy()
        frame["toward"] = sentiment.toward(texts, target, lexicon=lexicon)
        frame["stance"] = stance_models.predict(texts, target) if stance else None
        frame = frame.join(who[["kind", "speaker", "speaker_resolved"]])
        frames.append(frame)
    out = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=SCORED_COLUMNS)
    if held_out and stance and len(out):
        keys = pd.MultiIndex.from_arrays([out["sentence_id"], out["target"]])
        if keys.isin(stance_models.annotated_pairs()).any():  # else no label to hold out: no cross-validation
            labels = stance_models.held_out_labels()
            found = labels.reindex(keys).to_numpy()
            out["stance"] = [label if isinstance(label, str) else mine for label, mine in zip(found, out["stance"])]
    out["date"] = pd.to_datetime(out["date"])
    out["week"] = out["date"].dt.to_period("W-SUN").dt.start_time
    return out[SCORED_COLUMNS].sort_values(["target", "voice", "date", "sentence_id"], kind="mergesort").reset_index(drop=True)


def cells(frame: pd.DataFrame, by: list[str], *, min_count: int, n_boot: int) -> pd.DataFrame:
    """Return, per group of ``by``, the number of sentences ``n`` and, where ``n`` is at least
    ``min_count``, mean sentiment and the AGAINST and FAVOR shares with 95% intervals that resample
    articles. ``note`` says why a row has no estimate (too few sentences, and how many), and also
    when no row at all reaches ``min_count``; it is empty where the row is estimated.

    >>> frame = pd.DataFrame({"target": "NATO", "voice": ["A", "A", "B"], "article_id": ["a1", "a2", "b1"],
    ...                       "toward": [0.5, 0.1, -0.2], "stance": ["AGAINST", "NONE", "FAVOR"]})
    >>> cells(frame, ["target", "voice"], min_count=2, n_boot=10)[["voice", "n", "sentiment", "note"]].values.tolist()
    [['A', 2, 0.3, ''], ['B', 1, nan, 'too few to estimate: 1 sentence, fewer than min_count 2']]
    """
    rows = []
    for key, block in frame.groupby(by, sort=True):
        key = key if isinstance(key, tuple) else (key,)
        row = dict(zip(by, key), n=len(block), note="")
        if len(block) >= min_count:
            articles = block["article_id"].to_numpy()  # intervals resample articles
            row["sentiment"], row["sentiment low"], row["sentiment high"] = stats.mean_ci(block["toward"], articles, n_boot=n_boot)
            for label in ("AGAINST", "FAVOR"):
                share = stats.mean_ci(block["stance"].to_numpy() == label, articles, n_boot=n_boot)
                row[label], row[f"{label} low"], row[f"{label} high"] = share
        else:
            row["note"] = f"too few to estimate: {len(block):,} sentence{'s' if len(block) != 1 else ''}, fewer than min_count {min_count}"
        rows.append(row)
    columns = [*by, "n", "sentiment", "sentiment low", "sentiment high", "AGAINST", "AGAINST low", "AGAINST high", "FAVOR", "FAVOR low", "FAVOR high", "note"]
    table = pd.DataFrame(rows).reindex(columns=columns)
    if len(table) and (table["n"] < min_count).all():
        table["note"] = table["note"] + (f"; no cell reaches min_count {min_count} (the largest has {int(table['n'].max()):,}): "
                                         f"lower min_count, or group more widely (by month, not by week)")
    return table


def weekly(scored: pd.DataFrame, *, min_count: int = 20, n_boot: int = stats.N_BOOT) -> pd.DataFrame:
    """Return, per target, voice and week: the number of sentences naming the target, and (where at
    least ``min_count``) mean sentiment toward it and the AGAINST and FAVOR shares, with 95% CIs;
    ``note`` says why a week has no estimate (:func:`cells`)."""
    return cells(scored, ["target", "voice", "week"], min_count=min_count, n_boot=n_boot)


def by_holder(scored: pd.DataFrame, *, min_count: int = 20, n_boot: int = stats.N_BOOT) -> pd.DataFrame:
    """Return the same measures per target, voice and ``kind``: the voice's own words or quoted ones."""
    return cells(scored, ["target", "voice", "kind"], min_count=min_count, n_boot=n_boot)


def compare(scored: pd.DataFrame, measure: str, groups: str, *, n_perm: int = 2000, seed: int = stats.SEED):
    """Permutation test of a difference in ``measure`` ("AGAINST", "FAVOR" or "sentiment") between
    the two values of the column ``groups``: whole articles are reassigned when each article lies
    in one group (period, voice), labels are shuffled within articles otherwise (own vs quoted).
    Returns a dict with the difference (first group minus second, sorted) and ``p``."""
    frame = scored.dropna(subset=["toward"]) if measure == "sentiment" else scored
    values = frame["toward"].to_numpy() if measure == "sentiment" else (frame["stance"].to_numpy() == measure).astype(float)
    labels = sorted(frame[groups].unique())
    articles = frame["article_id"].to_numpy()
    split = frame.groupby("article_id")[groups].nunique().max() > 1  # both groups inside one article
    options = {"within": articles} if split else {"clusters": articles}
    difference, p = stats.permutation_test(values, frame[groups].to_numpy(), n_perm=n_perm, seed=seed, **options)
    return {"measure": measure, "first": labels[0], "second": labels[1], "difference": difference, "p": p,
            "n first": int((frame[groups] == labels[0]).sum()), "n second": int((frame[groups] == labels[1]).sum())}


def read_outlets(path=None) -> pd.DataFrame:
    """Return the outlet table: domain, outlet, country and group (Western, non-Western, ...)."""
    path = path or OUTLETS_FILE
    table = pd.read_csv(path, dtype=str, keep_default_na=False)
    missing = {"domain", "outlet", "country", "group"} - set(table.columns)
    if missing:
        raise ValueError(f"{path}: missing columns {sorted(missing)}")
    duplicated = table["domain"].duplicated()
    if duplicated.any():
        raise ValueError(f"{path}:{int(np.flatnonzero(duplicated)[0]) + 2}: domain {table.loc[duplicated, 'domain'].iloc[0]} listed twice")
    return table


def headline_outlets(scored: pd.DataFrame, *, top: int = 10, min_count: int = stats.MIN_COUNT, n_boot: int = stats.N_BOOT, outlets=None) -> pd.DataFrame:
    """Return headline measures per outlet: the ``top`` outlets by headlines naming NATO or Russia,
    plus every non-Western, Ukrainian and Russian outlet that appears at all. Shares and
    sentiment are given only where an outlet has at least ``min_count`` headlines for the target.
    Platforms (Twitter) are left out; domains not in ``data/outlets.csv`` are kept under their domain."""
    outlets = read_outlets() if outlets is None else outlets
    names = dict(zip(outlets["domain"], outlets["outlet"]))
    kinds = dict(zip(outlets["domain"], outlets["group"]))
    frame = scored.assign(outlet=scored["voice"].map(lambda d: names.get(d, d)), group=scored["voice"].map(lambda d: kinds.get(d, "unlisted")))
    frame = frame[frame["group"] != "platform"]
    per_outlet = frame.groupby(["outlet", "group"])["sentence_id"].nunique().sort_values(ascending=False, kind="mergesort")
    per_outlet = per_outlet.reset_index().sort_values(["sentence_id", "outlet"], ascending=[False, True], kind="mergesort")
    chosen = set(per_outlet["outlet"].head(top)) | set(per_outlet.loc[~per_outlet["group"].isin(["Western", "unlisted"]), "outlet"])
    table = cells(frame[frame["outlet"].isin(chosen)], ["target", "group", "outlet"], min_count=min_count, n_boot=n_boot)
    return table.sort_values(["target", "group", "n", "outlet"], ascending=[True, True, False, True], kind="mergesort").reset_index(drop=True)


# --- figures -----------------------------------------------------------------------------------


def with_gaps(block: pd.DataFrame, column: str = "week") -> pd.DataFrame:
    """Return ``block`` with a row for every week between its first and last, empty where it had
    none, so that a line breaks at a gap instead of joining across it."""
    if block.empty:
        return block
    weeks = pd.date_range(block[column].min(), block[column].max(), freq="7D")
    return block.set_index(column).reindex(weeks).rename_axis(column).reset_index()


def _mark_dates(ax, events=None):
    for day in KEY_DATES if events is None else events:
        ax.axvline(pd.Timestamp(day), color="0.3", lw=0.8, ls="--")


def _nothing_to_show(what: str):
    """A figure that says there is nothing to show, and why, instead of an empty frame."""
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6, 1.6))
    ax.text(0.5, 0.5, what, ha="center", va="center", color="0.3", wrap=True)
    ax.set_axis_off()
    return fig


def plot_weekly(table: pd.DataFrame, voices, *, events=None):
    """Weekly sentences naming each target, sentiment toward it and the AGAINST share, per voice;
    dashed lines at ``events`` (dates, or a mapping from date to name; default :data:`KEY_DATES`)."""
    import matplotlib.pyplot as plt

    from presslens.plots import voice_colours

    colours = voice_colours(voices)
    target_names = list(dict.fromkeys(table["target"]))
    if not target_names:
        return _nothing_to_show("No sentence names a target: nothing to show by week.")
    fig, axes = plt.subplots(3, len(target_names), figsize=(6 * len(target_names), 8.5), sharex=True, squeeze=False)
    for col, target in enumerate(target_names):
        for voice in voices:
            block = with_gaps(table[(table["target"] == target) & (table["voice"] == voice)].sort_values("week", kind="stable"))
            if block.empty:
                continue
            color = colours[voice]
            axes[0, col].plot(block["week"], block["n"].fillna(0), color=color, lw=1.2, label=voice,
                              marker="o" if len(block) == 1 else None, ms=3)  # one week: a point, not an invisible line
            for row, (value, low, high) in enumerate([("sentiment", "sentiment low", "sentiment high"), ("AGAINST", "AGAINST low", "AGAINST high")], start=1):
                # a line only between consecutive shown weeks (with_gaps leaves empty rows), and every
                # shown week its own interval, so an isolated week is as visible as the others
                axes[row, col].plot(block["week"], block[value], color=color, lw=0.8, alpha=0.7)
                axes[row, col].errorbar(block["week"], block[value], yerr=[block[value] - block[low], block[high] - block[value]],
                                        fmt="o", ms=2.5, color=color, elinewidth=0.6, capsize=0)
        for row, value in ((1, "sentiment"), (2, "AGAINST")):
            if table.loc[table["target"] == target, value].isna().all():  # say so, rather than leave an empty frame
                axes[row, col].text(0.5, 0.5, "too few to estimate: no week has\nthe minimum number of sentences",
                                    transform=axes[row, col].transAxes, ha="center", va="center", color="0.4")
        axes[0, col].set_title(f"sentences naming {target} per week")
        axes[1, col].set_title(f"sentiment toward {target} (VADER, target clause)")
        axes[2, col].set_title(f"share AGAINST {target} (stance model)")
        axes[1, col].axhline(0, color="0.5", lw=0.6)
        axes[2, col].set_ylim(0, 1)
        for ax in axes[:, col]:
            _mark_dates(ax, events)
        axes[2, col].tick_params(axis="x", rotation=45)
    handles = [plt.Line2D([], [], color=colours[voice], label=voice) for voice in voices]
    fig.legend(handles=handles, loc="lower center", ncol=len(voices), frameon=False, bbox_to_anchor=(0.5, -0.01))
    marked = KEY_DATES if events is None else events
    days = ", ".join(f"{pd.Timestamp(d).day} {pd.Timestamp(d):%b %Y}" for d in sorted(marked)) or "none"
    fig.suptitle(f"By week, with 95% intervals (weeks with too few sentences not shown); dashed: {days}")
    fig.tight_layout(rect=(0, 0.03, 1, 1))
    return fig


def plot_holders(table: pd.DataFrame, voices):
    """AGAINST share per voice and target, in the voice's own words and in words it quotes."""
    import matplotlib.pyplot as plt

    target_names = list(dict.fromkeys(table["target"]))
    if not target_names:
        return _nothing_to_show("No sentence names a target: no own or quoted words to compare.")
    fig, axes = plt.subplots(1, len(target_names), figsize=(5.5 * len(target_names), 3.4), squeeze=False, sharex=True)
    for ax, target in zip(axes[0], target_names):
        for j, kind in enumerate(("own", "quoted")):
            block = table[(table["target"] == target) & (table["kind"] == kind)].set_index("voice").reindex(voices)
            y = np.arange(len(voices)) + (j - 0.5) * 0.3
            ax.errorbar(block["AGAINST"], y, xerr=[block["AGAINST"] - block["AGAINST low"], block["AGAINST high"] - block["AGAINST"]],
                        fmt="o" if kind == "own" else "s", ms=4, color=f"C{j}", label="own words" if kind == "own" else "quoted")
        ax.set_yticks(np.arange(len(voices)), voices)
        ax.invert_yaxis()
        ax.set_xlim(0, 1)
        ax.set_title(f"share AGAINST {target}")
        if table.loc[table["target"] == target, "AGAINST"].isna().all():  # say so, rather than leave an empty frame
            ax.text(0.5, 0.5, "too few to estimate: no voice has the\nminimum number of sentences",
                    transform=ax.transAxes, ha="center", va="center", color="0.4")
    axes[0, 0].legend(fontsize=8, loc="lower right")
    fig.tight_layout()
    return fig


HEADLINE_CAVEAT = ("The stance model was trained on article sentences, not headlines; on the 400 annotated headlines "
                   "(notebook 04) it scores far below its level on sentences. These are its labels, not corrected.")


def plot_headlines(table: pd.DataFrame, target: str = "Russia", *, min_count: int = stats.MIN_COUNT):
    """AGAINST share of headlines naming the target per outlet, outlets sorted by group and then by
    number of headlines. Outlets with fewer than ``min_count`` are listed in grey without a measure.
    The caveat that the model was not trained on headlines is printed on the figure."""
    import matplotlib.pyplot as plt

    block = table[table["target"] == target].sort_values(["group", "n", "outlet"], ascending=[True, False, True], kind="stable")
    block = block.reset_index(drop=True)
    fig, ax = plt.subplots(figsize=(7.5, 0.3 * len(block) + 1.6))
    for i, group in enumerate(sorted(block["group"].unique())):
        rows = block[(block["group"] == group) & (block["n"] >= min_count) & block["AGAINST"].notna()]
        if rows.empty:  # every outlet of the group is under the threshold: listed in grey, no legend entry
            continue
        ax.errorbar(rows["AGAINST"], rows.index, xerr=[rows["AGAINST"] - rows["AGAINST low"], rows["AGAINST high"] - rows["AGAINST"]],
                    fmt="o", ms=4, color=f"C{i}", label=group)
    ax.set_yticks(range(len(block)), [f"{g}: {o} (n={n})" for g, o, n in zip(block["group"], block["outlet"], block["n"])], fontsize=8)
    for label, n in zip(ax.get_yticklabels(), block["n"]):
        if n < min_count:
            label.set_color("0.6")
    ax.invert_yaxis()
    ax.set_xlim(0, 1)
    ax.set_xlabel(f"share of headlines AGAINST {target} (stance model), 95% CI; grey: fewer than {min_count}, not measured")
    ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1), frameon=False)
    fig.text(0.01, 0.005, HEADLINE_CAVEAT, fontsize=7, color="0.3", ha="left", va="bottom", wrap=True)
    fig.tight_layout(rect=(0, 0.04, 1, 1))
    return fig


def figures(scored: pd.DataFrame, headlines: pd.DataFrame, voices, *, n_boot: int = stats.N_BOOT) -> dict:
    """Return notebook 05's figures by name, drawn from the scored sentences and headlines."""
    return {
        "05-weekly": plot_weekly(weekly(scored, n_boot=n_boot), voices),
        "05-own-vs-quoted": plot_holders(by_holder(scored, n_boot=n_boot), voices),
        "05-headline-outlets": plot_headlines(headline_outlets(headlines, n_boot=n_boot)),
    }
