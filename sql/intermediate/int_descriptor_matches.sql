-- Descriptors found where the readout describes the conversation itself. A frame
-- (reference/tone_frames.csv) is a pattern with a list of descriptors in it; each
-- descriptor of the list (reference/tone_lexicon.csv) is a label. The reference.* macros
-- are compiled from those files before the models run.
with frame_hits as (
    select
        s.*,
        unnest(reference.frame_hits(s.sentence_text)) as hit
    from intermediate.int_call_sentences as s
),

frame_matches as (
    select
        source,
        item_id,
        version,
        sentence_no,
        char_start as sentence_start,
        sentence_text,
        hit.frame,
        unnest(hit.matched) as matched_text,
        unnest(hit.lists) as descriptor_list
    from frame_hits
    where len(hit.matched) > 0
),

descriptors as (
    select
        m.*,
        unnest(reference.descriptors_in(m.descriptor_list)) as found
    from frame_matches as m
)

select
    source,
    item_id,
    version,
    'descriptor' as label_kind,
    found.descriptor as label,
    frame as matched_by,
    sentence_no,
    sentence_text,
    found.text as matched_text,
    sentence_start + strpos(sentence_text, matched_text) - 1
        + strpos(matched_text, found.text) - 1 as char_start,
    sentence_start + strpos(sentence_text, matched_text) - 1
        + strpos(matched_text, found.text) - 1 + length(found.text) as char_end
from descriptors
where found.text != ''
