-- Formulaic signals (satisfaction, gratitude, condolences, greetings, concern, divergence,
-- exchange of views, agreement to continue contacts), one row per cue found
-- (reference/tone_signals.csv, compiled into reference.signal_hits).
with hits as (
    select
        s.*,
        unnest(reference.signal_hits(s.sentence_text)) as hit
    from intermediate.int_call_sentences as s
),

matches as (
    select
        source,
        item_id,
        version,
        sentence_no,
        char_start as sentence_start,
        sentence_text,
        hit.signal,
        unnest(hit.hits) as matched_text
    from hits
    where len(hit.hits) > 0
)

select
    source,
    item_id,
    version,
    'signal' as label_kind,
    signal as label,
    signal as matched_by,
    sentence_no,
    sentence_text,
    matched_text,
    sentence_start + strpos(sentence_text, matched_text) - 1 as char_start,
    sentence_start + strpos(sentence_text, matched_text) - 1 + length(matched_text) as char_end
from matches
