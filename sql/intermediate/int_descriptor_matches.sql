-- Descriptors found where the readout describes the conversation itself. A frame is a
-- pattern with a list of descriptors in it; each descriptor of the list is a label.
with alternation as (
    select '(?:' || string_agg(variants, '|' order by length(variants) desc) || ')' as any_descriptor
    from staging.stg_tone_lexicon
),

frames as (
    select
        f.frame,
        replace(
            f.pattern,
            '{descriptors}',
            '(' || a.any_descriptor || '(?:(?:\s*,\s*and\s+|\s*,\s*|\s+and\s+)' || a.any_descriptor || ')*)'
        ) as regex
    from staging.stg_tone_frames as f, alternation as a
),

frame_matches as (
    select
        s.source,
        s.item_id,
        s.version,
        s.sentence_no,
        s.char_start as sentence_start,
        s.sentence_text,
        f.frame,
        unnest(regexp_extract_all(s.sentence_text, f.regex, 0)) as matched_text,
        unnest(regexp_extract_all(s.sentence_text, f.regex, 1)) as descriptor_list
    from intermediate.int_call_sentences as s, frames as f
),

descriptors as (
    select
        m.*,
        l.descriptor,
        regexp_extract(m.descriptor_list, '(?i)\b(?:' || l.variants || ')\b') as descriptor_text
    from frame_matches as m
    inner join staging.stg_tone_lexicon as l
        on regexp_matches(m.descriptor_list, '(?i)\b(?:' || l.variants || ')\b')
)

select
    source,
    item_id,
    version,
    'descriptor' as label_kind,
    descriptor as label,
    frame as matched_by,
    sentence_no,
    sentence_text,
    descriptor_text as matched_text,
    sentence_start + strpos(sentence_text, matched_text) - 1
        + strpos(matched_text, descriptor_text) - 1 as char_start,
    sentence_start + strpos(sentence_text, matched_text) - 1
        + strpos(matched_text, descriptor_text) - 1 + length(descriptor_text) as char_end
from descriptors
