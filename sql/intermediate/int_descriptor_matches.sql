-- Descriptors found where the readout describes the conversation itself. A frame
-- (reference/tone_frames.csv) is a pattern with a list of descriptors in it; each
-- descriptor of the list (reference/tone_lexicon.csv) is a label. The reference.* macros
-- are compiled from those files before the models run, and give every match with its
-- offset (a phrase that occurs twice is two rows at two positions).
with frame_matches as (
    select
        s.source,
        s.item_id,
        s.version,
        s.sentence_no,
        s.char_start as sentence_start,
        s.sentence_text,
        unnest(reference.frame_hits(s.sentence_text)) as hit
    from intermediate.int_call_sentences as s
),

descriptors as (
    select
        m.*,
        unnest(reference.descriptors_in(m.hit.list)) as found
    from frame_matches as m
),

occurrences as (
    select
        d.*,
        unnest(d.found.hits) as occurrence
    from descriptors as d
)

select
    source,
    item_id,
    version,
    'descriptor' as label_kind,
    found.descriptor as label,
    hit.frame as matched_by,
    sentence_no,
    sentence_text,
    occurrence.text as matched_text,
    sentence_start + hit.list_start + occurrence.start as char_start,
    sentence_start + hit.list_start + occurrence.start + length(occurrence.text) as char_end
from occurrences
