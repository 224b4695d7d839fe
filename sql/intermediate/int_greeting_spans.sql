-- The stretch of a sentence taken by a greeting formula ("congratulated ... on his
-- birthday", "wished the friendly people of X peace"), from the greeting word to the end
-- of its clause (the next "and <verb>" or the sentence's end): topics named only there
-- do not count.
with signal as (
    select pattern from staging.stg_tone_signals where signal = 'congratulations_or_greetings'
),

spans as (
    select
        s.source,
        s.item_id,
        s.sentence_no,
        unnest(regexp_extract_all(
            s.sentence_text,
            '(?i)(?:' || signal.pattern || '|\bwish(?:ed|es|ing)?\b)[^.;]*?'
            || '(?:\s+and\s+(?:\S+\s+){0,3}?(?:reaffirmed|discussed|noted|agreed|confirmed|expressed|praised|stressed|emphasised)\b|[.;]|$)'
        )) as greeting_text,
        s.sentence_text
    from intermediate.int_call_sentences as s, signal
)

select
    source,
    item_id,
    sentence_no,
    greeting_text,
    strpos(sentence_text, greeting_text) - 1 as span_start,
    strpos(sentence_text, greeting_text) - 1 + length(greeting_text) as span_end
from spans
where greeting_text != ''
