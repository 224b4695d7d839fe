-- The stretch of a sentence taken by a greeting formula ("congratulated ... on his
-- birthday", "wished the friendly people of X peace"), from the greeting word to the end
-- of its clause (the next "and <verb>" or the sentence's end): topics named only there
-- do not count. reference.greeting_spans is compiled from reference/tone_signals.csv.
with spans as (
    select
        s.source,
        s.item_id,
        s.sentence_no,
        s.sentence_text,
        unnest(reference.greeting_spans(s.sentence_text)) as greeting_text
    from intermediate.int_call_sentences as s
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
