-- Formulaic signals (satisfaction, gratitude, condolences, greetings, concern, divergence,
-- exchange of views, agreement to continue contacts), one row per cue found.
with matches as (
    select
        s.source,
        s.item_id,
        s.version,
        s.sentence_no,
        s.char_start as sentence_start,
        s.sentence_text,
        g.signal,
        unnest(regexp_extract_all(s.sentence_text, g.pattern, 0)) as matched_text
    from intermediate.int_call_sentences as s, staging.stg_tone_signals as g
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
