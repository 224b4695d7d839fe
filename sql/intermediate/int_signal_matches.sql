-- Formulaic signals (satisfaction, gratitude, condolences, greetings, concern, divergence,
-- exchange of views, agreement to continue contacts), one row per cue found, at its own
-- position (reference/tone_signals.csv, compiled into reference.signal_hits). Signals are
-- what the readout reports the sides did: in an item with a verbatim exchange (a
-- transcript), the speakers' own words ("Thank you.") are not read for signals.
with hits as (
    select
        s.*,
        unnest(reference.signal_hits(s.sentence_text)) as hit
    from intermediate.int_call_sentences as s
    where not s.in_verbatim_exchange
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
        unnest(hit.hits) as occurrence
    from hits
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
    occurrence.text as matched_text,
    sentence_start + occurrence.start as char_start,
    sentence_start + occurrence.start + length(occurrence.text) as char_end
from matches
