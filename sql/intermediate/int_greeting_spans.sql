-- The stretch of a sentence taken by a greeting formula ("congratulated ... on his
-- birthday", "wished the friendly people of X peace"), from the greeting word to the end
-- of its clause (the next "and <verb>" or the sentence's end): topics named only there
-- do not count. reference.greeting_spans is compiled from reference/tone_signals.csv and
-- gives each span at its own position.
with spans as (
    select
        s.source,
        s.item_id,
        s.sentence_no,
        unnest(reference.greeting_spans(s.sentence_text)) as span
    from intermediate.int_call_sentences as s
)

select
    source,
    item_id,
    sentence_no,
    span.text as greeting_text,
    span.start as span_start,
    span.start + length(span.text) as span_end
from spans
where span.text != ''
