-- Topic cues found in call readouts, on word boundaries. A cue inside a greeting formula
-- does not count, except for topics that are about the occasion itself (elections,
-- holidays, sport).
with matches as (
    select
        s.source,
        s.item_id,
        s.version,
        s.sentence_no,
        s.char_start as sentence_start,
        s.sentence_text,
        t.topic,
        t.counts_in_greetings,
        unnest(regexp_extract_all(s.sentence_text, t.pattern, 0)) as matched_text
    from intermediate.int_call_sentences as s, staging.stg_topics as t
),

located as (
    select
        *,
        strpos(sentence_text, matched_text) - 1 as offset_in_sentence
    from matches
)

select
    l.source,
    l.item_id,
    l.version,
    'topic' as label_kind,
    l.topic as label,
    l.topic as matched_by,
    l.sentence_no,
    l.sentence_text,
    l.matched_text,
    l.sentence_start + l.offset_in_sentence as char_start,
    l.sentence_start + l.offset_in_sentence + length(l.matched_text) as char_end
from located as l
where l.counts_in_greetings
    or not exists (
        select 1
        from intermediate.int_greeting_spans as g
        where g.source = l.source
            and g.item_id = l.item_id
            and g.sentence_no = l.sentence_no
            and l.offset_in_sentence >= g.span_start
            and l.offset_in_sentence < g.span_end
    )
